"""The installable app: a web app manifest, a service worker of our own, and the page shown offline.

A phone that adds firsthand to its home screen opens it like an app, straight to the inbox of the last
workspace used. The service worker keeps only public, unchanging things (the offline page, the style
sheet, the icons): a signed-in page may hold customers' messages, and a shared or stolen phone must not
show yesterday's inbox from a cache. So with no network a page shows the offline page instead.
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control

from firsthand.team.access import LAST_WORKSPACE_SESSION_KEY

THEME = "#0f766e"


@cache_control(max_age=3600)
def manifest(request):
    icons = [
        {"src": static(f"web/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
        for size in (192, 512)
    ] + [
        {
            "src": static(f"web/icon-maskable-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    body = {
        "name": "firsthand",
        "short_name": "firsthand",
        "description": "Your business's social media, first-hand: publishing, one inbox, and the team.",
        "id": "/app/",
        "start_url": "/app/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f5f4",
        "theme_color": THEME,
        "icons": icons,
    }
    return JsonResponse(body, content_type="application/manifest+json")


def app_start(request):
    """Where the installed app opens: the inbox of the workspace last used (or the way to one)."""
    if not request.user.is_authenticated:
        return redirect("team:login")
    last = request.session.get(LAST_WORKSPACE_SESSION_KEY)
    memberships = request.user.memberships.select_related("workspace")
    if last and memberships.filter(workspace__slug=last).exists():
        return redirect("inbox:inbox", slug=last)
    if len(memberships) == 1:
        return redirect("inbox:inbox", slug=memberships[0].workspace.slug)
    return redirect("web:home")


# The cache's name carries a version: a new worker drops the old one when it takes over.
CACHE = "firsthand-shell-v1"

SERVICE_WORKER = """// firsthand's service worker: the offline page, the unchanging files (nothing signed in), push.
const CACHE = "%(cache)s";
const OFFLINE = "/offline/";
const KEEP = [OFFLINE, %(keep)s];
const ICON = "%(icon)s";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(KEEP)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim())
  );
});

// Pages always come from the server; when it cannot be reached, the offline page says so.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (KEEP.includes(new URL(request.url).pathname)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  }
});

// Web Push (notices/push/): the server sends {title, body, url, tag}, already chosen for this device.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "firsthand", {
      body: data.body || "Something needs you in firsthand.",
      icon: ICON,
      badge: ICON,
      tag: data.tag || undefined,
      renotify: Boolean(data.tag),
      data: { url: data.url || "/app/" },
    })
  );
});

// Opening a notification lands on its page: in a window of ours already open if there is one.
// Only our own pages: a payload naming another site is opened as the inbox instead.
self.openNotification = (notification) => {
  let target = new URL((notification.data && notification.data.url) || "/app/", self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/app/", self.location.origin);
  notification.close();
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    const same = windows.find((client) => client.url === target.href);
    if (same) return same.focus();
    const ours = windows.find((client) => "navigate" in client);
    if (ours) return ours.navigate(target.href).then((client) => (client || ours).focus().catch(() => client));
    return self.clients.openWindow(target.href);
  });
};

self.addEventListener("notificationclick", (event) => {
  event.waitUntil(self.openNotification(event.notification));
});
"""


def service_worker(request):
    keep = ", ".join(
        f'"{static(name)}"' for name in ("web/app.css", "web/favicon.svg", "web/icon-192.png", "web/icon-512.png")
    )
    response = HttpResponse(
        SERVICE_WORKER % {"cache": CACHE, "keep": keep, "icon": static("web/icon-192.png")},
        content_type="text/javascript",
    )
    # Served from the root so it may look after every page; browsers check it for updates at least daily.
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def offline(request):
    return render(request, "web/offline.html")
