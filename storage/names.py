"""Names the Rasa server's channels and the action server must agree on."""

# The SMS channel's name, coming in and going out: domain responses have
# `channel: sms` variants, and actions read it as the latest input channel.
SMS_CHANNEL = "sms"
# Message metadata key for an SMS sender's number (offered for a callback; never logged).
SMS_SENDER_NUMBER_KEY = "sms_sender_number"
# The action that deletes the person's conversation (actions/privacy.py); the tracker
# store deletes the conversation's events when it sees it end with Restarted.
DELETE_MY_DATA_ACTION = "action_delete_my_data"

# The conversation's language ("en", "es"), which every response's variant follows.
LANGUAGE_SLOT = "language"
