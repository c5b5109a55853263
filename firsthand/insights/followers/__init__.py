"""The follower audit: read an account's followers through its connector, judge each, keep the figures."""
