"""What the Rasa server, the action server and the staff tool share.

- settings.py: where each database and service is (environment, with defaults).
- database.py: the assistant's own database (SQLAlchemy).
- callbacks.py: callback requests for the admissions team.
- outbox.py: the notifications to admissions each request is owed, and their delivery;
  notification_sender.py sends them (email_notice.py, webhook_notice.py);
  request_text.py words a request for people.
- opt_outs.py: SMS numbers (their keyed ids) that asked for no more texts.
- crypto.py: encryption at rest and keyed ids, and their keys; conversations.py: the
  stored conversation events, for re-encryption; log_privacy.py: no personal text in logs.
- lexicon.py: the substance and twitching lexicon files under data/lexicon/.
"""
