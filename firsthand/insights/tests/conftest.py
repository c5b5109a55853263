# The known history of test_conversations, shared with the tests of the counts behind the same figures.
from firsthand.insights.tests.test_conversations import history, shop  # noqa: F401
