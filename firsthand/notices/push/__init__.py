"""Web Push: a notice reaching a person's phone or computer while firsthand is closed (RFC 8030).

A person turns it on per device (a browser's push subscription), chooses which kinds of event reach
that device and its quiet hours. A notice of a chosen kind is encrypted for that device (RFC 8291) and
signed with this server's VAPID key (RFC 8292), then handed to the browser's push service, one
background task per device so a slow or broken push service never holds up the others.
"""
