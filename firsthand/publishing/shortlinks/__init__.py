"""Own short links: the links of a post go out as FIRSTHAND_BASE_URL/l/<code>, one code per link and delivery
(a post on one account), so each click is counted for that post on that account.

Off unless the workspace turns it on (Settings → Links in posts). Codes are made when a post is scheduled
(codes.prepare, called from operations.send_on, every door to "scheduled") and reused for every attempt: a
retry sends the very same text. Following a link (views.follow) adds one to that link's count for the day;
nothing about the person who clicked is kept (clicks.py says what is and is not counted).
"""
