// Passkeys (WebAuthn): the browser half. The server (team/passkeys.py) makes the options and checks
// the answers; this file only turns its JSON into what navigator.credentials wants (binary fields are
// base64url strings on the wire) and back.
(function () {
  "use strict";

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken(root) {
    var input = root.querySelector("[name=csrfmiddlewaretoken]") || document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, root, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(root) },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || "Something went wrong. Try again.");
        return data;
      });
    });
  }

  function showError(root, error) {
    var box = root.querySelector("[data-passkey-error]");
    // The person closing the browser's passkey window is not an error worth a red line.
    var message = error && error.name === "NotAllowedError"
      ? "The passkey request was cancelled or timed out."
      : (error && error.message) || "Something went wrong. Try again.";
    if (box) { box.textContent = message; box.hidden = false; }
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      if (response.getTransports) json.response.transports = response.getTransports();
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) json.response.userHandle = toBase64url(response.userHandle);
    }
    if (credential.authenticatorAttachment) json.authenticatorAttachment = credential.authenticatorAttachment;
    return json;
  }

  function register(form) {
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    post(form.getAttribute("data-options-url"), form)
      .then(function (options) {
        options.challenge = toBytes(options.challenge);
        options.user.id = toBytes(options.user.id);
        (options.excludeCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
        return navigator.credentials.create({ publicKey: options });
      })
      .then(function (credential) {
        var name = form.querySelector("[name=name]").value;
        return post(form.getAttribute("data-add-url"), form, { name: name, credential: credentialJSON(credential) });
      })
      // The account page again (a fresh GET), showing the new passkey and any recovery codes made with it.
      .then(function () { window.location.hash = "two-factor"; window.location.reload(); })
      .catch(function (error) { showError(form, error); button.disabled = false; });
  }

  function signIn(root) {
    var button = root.querySelector("[data-passkey-button]");
    button.disabled = true;
    post(root.getAttribute("data-options-url"), root)
      .then(function (options) {
        options.challenge = toBytes(options.challenge);
        (options.allowCredentials || []).forEach(function (c) { c.id = toBytes(c.id); });
        return navigator.credentials.get({ publicKey: options });
      })
      .then(function (credential) {
        return post(root.getAttribute("data-sign-in-url"), root, { credential: credentialJSON(credential) });
      })
      .then(function (data) { window.location.assign(data.redirect); })
      .catch(function (error) { showError(root, error); button.disabled = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var supported = !!(window.PublicKeyCredential && navigator.credentials);
    document.querySelectorAll("[data-passkey-register]").forEach(function (form) {
      if (!supported) { form.hidden = true; return; }
      form.addEventListener("submit", function (event) { event.preventDefault(); register(form); });
    });
    document.querySelectorAll("[data-passkey-sign-in]").forEach(function (root) {
      if (!supported) { root.hidden = true; return; }
      root.hidden = false;
      root.querySelector("[data-passkey-button]").addEventListener("click", function () { signIn(root); });
    });
  });
})();
