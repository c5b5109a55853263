"""Mastodon's streaming API: the account's notifications the moment they happen.

GET /api/v1/streaming/user/notification (docs.joinmastodon.org/methods/streaming#notification) is a
server-sent event stream on the server the instance names in urls.streaming_api (Mastodon.py finds it):
`event: notification` with the Notification as data, and a comment line every few seconds to keep
the connection open. It only rings the inbox's doorbell; the notification itself is read through
GET /api/v1/notifications from the cursor, so one lost while reconnecting is read all the same.
"""

import threading

from mastodon import StreamListener
from mastodon import errors as sdk

from firsthand.networks.base import NetworkError
from firsthand.networks.mastodon.client import calling

# Mastodon sends a heartbeat comment every 15 seconds or so; this long without a byte is a dead line.
SILENT_SECONDS = 90


class Doorbell(StreamListener):
    def __init__(self, ring):
        self.ring = ring
        self.response = None
        self.closed = threading.Event()

    def handle_stream(self, response):
        # Kept so close() can end the blocking read from another thread.
        self.response = response
        if self.closed.is_set():
            return
        self.ring()  # connected: read what came while there was no connection
        super().handle_stream(response)

    def on_notification(self, notification):
        self.ring()

    def on_unknown_event(self, name, unknown_event=None):
        pass  # event kinds newer than Mastodon.py (the default raises): nothing the inbox reads

    def close(self):
        self.closed.set()
        if self.response is not None:
            self.response.close()


class MastodonStream:
    def __init__(self, client):
        self.client = client
        self.doorbell = None
        self.closed = threading.Event()

    def run(self, ring) -> None:
        self.doorbell = Doorbell(ring)
        if self.closed.is_set():
            return
        try:
            with calling("listening for notifications", self.client):
                try:
                    self.client.stream_user_notifications(self.doorbell, timeout=SILENT_SECONDS)
                except sdk.MastodonNetworkError as error:
                    # Mastodon.py words any answer but 200 as "Could not connect ...: <reason>"
                    said = str(error.args[0]) if error.args else ""
                    if not said.startswith("Could not connect to streaming server"):
                        raise
                    reason = said.rsplit(": ", 1)[-1]
                    raise NetworkError(
                        f"The Mastodon server refused the notification stream ({reason}).", transient=True
                    ) from None
        except NetworkError:
            if not self.closed.is_set():
                raise
        except Exception as error:
            # Closing the response under the reading thread surfaces as whatever requests or urllib3
            # were doing at that moment; anything else is a stream Mastodon.py could not read.
            if not self.closed.is_set():
                raise NetworkError(f"The Mastodon notification stream failed: {error}", transient=True) from None
        else:
            if not self.closed.is_set():
                raise NetworkError("The Mastodon server ended the notification stream.", transient=True)

    def close(self) -> None:
        self.closed.set()
        if self.doorbell is not None:
            self.doorbell.close()
