// "Notifications on this device": the browser half. The browser's PushManager subscribes with this
// server's VAPID public key; the subscription (endpoint and the device's keys) goes to the server,
// which encrypts each notification for it (notices/push/deliver.py). The service worker (/sw.js) shows them.
(function () {
  "use strict";

  var box = document.querySelector("[data-push]");
  if (!box) return;
  var status = box.querySelector("[data-push-status]");
  var form = box.querySelector("[data-push-form]");
  var error = box.querySelector("[data-push-error]");
  var button = box.querySelector("[data-push-enable]");

  function say(text) { status.textContent = text; }
  function fail(text) { error.textContent = text; error.hidden = false; button.disabled = false; }

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function digest(text) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buffer) {
      return Array.from(new Uint8Array(buffer)).map(function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    });
  }

  function guessLabel() {
    var agent = navigator.userAgent;
    var device = /iPhone|Android.*Mobile/.test(agent) ? "Phone" : /iPad|Android/.test(agent) ? "Tablet" : "Computer";
    var browser = /Edg\//.test(agent) ? "Edge" : /Firefox\//.test(agent) ? "Firefox" : /Chrome\//.test(agent) ? "Chrome" : /Safari\//.test(agent) ? "Safari" : "";
    return browser ? device + " (" + browser + ")" : device;
  }

  // Marks this browser's own row, so "Remove" there also unsubscribes the browser.
  function markThisDevice(subscription) {
    if (!subscription) return Promise.resolve(false);
    return digest(subscription.endpoint).then(function (hex) {
      var row = document.querySelector('[data-device="' + hex + '"]');
      if (!row) return false;
      row.querySelector("[data-this-device]").hidden = false;
      var remove = row.querySelector("[data-push-remove]");
      remove.addEventListener("submit", function (event) {
        event.preventDefault();
        subscription.unsubscribe().catch(function () {}).then(function () { remove.submit(); });
      });
      return true;
    });
  }

  function send(subscription) {
    var body = subscription.toJSON();
    body.label = box.querySelector("[data-push-label]").value.trim() || guessLabel();
    return fetch(box.dataset.subscribeUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.querySelector("[name=csrfmiddlewaretoken]").value },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.error || "Notifications could not be turned on. Try again.");
        return data;
      });
    });
  }

  function turnOn() {
    button.disabled = true;
    error.hidden = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error("The browser did not allow notifications. Allow them in its site settings, then try again.");
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: toBytes(box.dataset.publicKey) });
    }).then(send).then(function (data) {
      window.location.hash = "device-" + data.id;
      window.location.reload();
    }).catch(function (problem) {
      fail(problem && problem.message ? problem.message : "Notifications could not be turned on. Try again.");
    });
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) {
    say("This browser cannot receive notifications from firsthand here. On an iPhone, add firsthand to the home screen first (Share, then Add to Home Screen) and open it from there.");
    return;
  }
  if (Notification.permission === "denied") {
    say("Notifications are blocked for firsthand in this browser. Allow them in the site's settings, then reload this page.");
    return;
  }
  button.addEventListener("click", turnOn);
  box.querySelector("[data-push-label]").placeholder = guessLabel();
  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (subscription) {
    return markThisDevice(subscription).then(function (known) {
      if (known) {
        say("Notifications are on for this device. Choose below what reaches it.");
      } else {
        say("Notifications are off on this device.");
        form.hidden = false;
      }
    });
  }).catch(function () {
    say("Notifications are off on this device.");
    form.hidden = false;
  });
})();
