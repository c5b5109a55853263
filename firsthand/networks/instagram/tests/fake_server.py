"""Instagram's Graph API (with Facebook Login) on loopback, added to the local Graph API of the Facebook
tests, written from developers.facebook.com/docs/instagram-platform:

  GET  /{v}/{page}?fields=instagram_business_account   instagram-api-with-facebook-login/get-started
  POST /{v}/{ig-user}/media                            content-publishing (image_url, caption, alt_text,
                                                       is_carousel_item, media_type=CAROUSEL, children)
  GET  /{v}/{container}?fields=status_code             content-publishing#troubleshooting (IN_PROGRESS,
                                                       FINISHED, ERROR, EXPIRED, PUBLISHED)
  POST /{v}/{ig-user}/media_publish                    content-publishing (creation_id; once per container)
  GET  /{v}/{ig-user}/media                            reference/ig-user/media
  GET/POST /{v}/{ig-media}/comments                    reference/ig-media/comments
  POST /{v}/{ig-comment}/replies                       reference/ig-comment/replies
  POST /{v}/{ig-comment}                               reference/ig-comment (hide)
  GET  /{v}/{page}/conversations?platform=instagram     messenger-platform/conversations (from: {id, username};
                                                       instagram_manage_messages, else error 10)
  POST /{v}/{page}/messages                            messenger-platform/reference/send-api (the Facebook fake's)
"""

from firsthand.networks.facebook.tests.fake_server import FakeFacebook, stamp


class FakeInstagram(FakeFacebook):
    def __init__(self, **keys):
        super().__init__(**keys)
        self.ig_of_page = {}  # page id → ig user
        self.ig_users = {}  # ig user id → {id, username, name}
        self.containers = {}  # id → {status polls left, media, caption, ...}
        self.fetched_urls: list[str] = []
        self.ig_conversations = {}  # page id → [{id, person, messages: [...]}]
        self.ig_messages_refused = False  # the app was not granted instagram_manage_messages

    def new_ig(self, page_id, username) -> str:
        ig_id = str(next(self.ids))
        self.ig_users[ig_id] = {"id": ig_id, "username": username, "name": username.title()}
        self.ig_of_page[page_id] = ig_id
        return ig_id

    def ig_comment(self, media_id, username, text) -> str:
        comment_id = str(next(self.ids))
        self.objects[comment_id] = {
            "id": comment_id,
            "kind": "ig_comment",
            "text": text,
            "username": username,
            "timestamp": stamp(),
            "from": {"id": f"u{abs(hash(username)) % 10**8}", "username": username},
            "hidden": False,
            "replies": [],
        }
        self.comments.setdefault(media_id, []).append(comment_id)
        return comment_id

    def ig_message(self, page_id, igsid, username, text) -> str:
        """A direct message to the Page's Instagram account."""
        return self.add_message(self.ig_conversations, page_id, {"id": igsid, "username": username}, text, "aWdf")

    def media_of(self, ig_id) -> list[dict]:
        return [o for o in self.objects.values() if o.get("kind") == "ig_media" and o["owner"] == ig_id]

    def graph(self, request, method, path, query, body, page):
        ig_id = self.ig_of_page.get(page["id"])
        match (method, path):
            case ("GET", [_, "conversations"]) if query.get("platform") == "instagram":
                if self.ig_messages_refused:
                    return self.fail(request, 10, "Application does not have permission for this action")
                data = [
                    {"id": t["id"], "messages": {"data": t["messages"][:25]}}
                    for t in self.ig_conversations.get(page["id"], [])
                ]
                return self.send(request, 200, {"data": data})
            case ("GET", [object_id]) if object_id == page["id"]:
                ig = self.ig_users.get(ig_id)
                return self.send(request, 200, {"id": page["id"], **({"instagram_business_account": ig} if ig else {})})
            case ("POST", [owner, "media"]) if owner == ig_id:
                return self.make_container(request, ig_id, body)
            case ("POST", [owner, "media_publish"]) if owner == ig_id:
                return self.publish(request, ig_id, body.get("creation_id"))
            case ("GET", [owner, "media"]) if owner == ig_id:
                mine = sorted(self.media_of(ig_id), key=lambda m: m["id"], reverse=True)
                return self.send(
                    request,
                    200,
                    {"data": [{k: m[k] for k in ("id", "caption", "timestamp", "permalink")} for m in mine]},
                )
            case ("GET", [object_id]) if object_id in self.containers:
                container = self.containers[object_id]
                container["polls"] -= 1
                code = (
                    "PUBLISHED"
                    if container.get("published")
                    else "FINISHED"
                    if container["polls"] <= 0
                    else "IN_PROGRESS"
                )
                return self.send(request, 200, {"id": object_id, "status_code": code, "status": code})
            case ("GET", [object_id]) if self.objects.get(object_id, {}).get("kind") == "ig_media":
                media = self.objects[object_id]
                return self.send(
                    request,
                    200,
                    {k: media[k] for k in ("id", "caption", "permalink", "media_type", "like_count", "comments_count")},
                )
            case ("GET", [object_id]) if self.objects.get(object_id, {}).get("kind") == "ig_comment":
                return self.fail(
                    request, 100, "Tried accessing nonexisting field (media_type) on node type (IGComment)"
                )
            case ("POST", [object_id, "comments"]) if self.objects.get(object_id, {}).get("kind") == "ig_media":
                comment_id = self.ig_comment(object_id, self.ig_users[ig_id]["username"], body.get("message", ""))
                self.objects[comment_id]["from"]["id"] = ig_id
                return self.send(request, 200, {"id": comment_id})
            case ("POST", [object_id, "replies"]) if self.objects.get(object_id, {}).get("kind") == "ig_comment":
                reply_id = str(next(self.ids))
                self.objects[object_id]["replies"].append(
                    {"id": reply_id, "text": body.get("message", ""), "from": ig_id}
                )
                return self.send(request, 200, {"id": reply_id})
            case ("POST", [object_id]) if self.objects.get(object_id, {}).get("kind") == "ig_comment":
                self.objects[object_id]["hidden"] = body.get("hide") == "true"
                return self.send(request, 200, {"success": True})
            case ("GET", [object_id, "comments"]) if self.objects.get(object_id, {}).get("kind") == "ig_media":
                return self.list_ig_comments(request, object_id, query)
        return super().graph(request, method, path, query, body, page)

    def make_container(self, request, ig_id, body):
        if body.get("media_type") == "CAROUSEL":
            children = body.get("children", "").split(",")
            if not 2 <= len(children) <= 10 or any(c not in self.containers for c in children):
                return self.fail(request, 100, "The carousel needs 2 to 10 item containers")
        elif not body.get("image_url"):
            return self.fail(request, 100, "The parameter image_url is required")
        else:
            self.fetched_urls.append(body["image_url"])
        container_id = str(next(self.ids))
        self.containers[container_id] = {"polls": 2, **body}
        return self.send(request, 200, {"id": container_id})

    def publish(self, request, ig_id, creation_id):
        container = self.containers.get(creation_id)
        if container is None or container["polls"] > 0:
            return self.fail(request, 9007, "Media ID is not available: the media is not ready for publishing")
        if container.get("published"):
            return self.fail(request, 9007, "The media has already been published")
        container["published"] = True
        media_id = str(next(self.ids))
        self.objects[media_id] = {
            "id": media_id,
            "kind": "ig_media",
            "owner": ig_id,
            "caption": container.get("caption", ""),
            "timestamp": stamp(),
            "permalink": f"https://www.instagram.com/p/{media_id}/",
            "media_type": "CAROUSEL_ALBUM" if container.get("media_type") == "CAROUSEL" else "IMAGE",
            "like_count": 0,
            "comments_count": 0,
            "container": creation_id,
        }
        return self.send(request, 200, {"id": media_id})

    def list_ig_comments(self, request, media_id, query):
        ids = self.comments.get(media_id, [])
        start = int(query["after"]) if query.get("after", "").isdigit() else 0
        chunk = ids[start : start + int(query.get("limit", 25))]
        data = [{k: self.objects[i][k] for k in ("id", "text", "username", "timestamp", "from")} for i in chunk]
        paging = {"cursors": {"before": str(start), "after": str(start + len(chunk))}} if chunk else {}
        return self.send(request, 200, {"data": data, "paging": paging})
