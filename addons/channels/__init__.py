"""The assistant's own input channels: the web chat widget and SMS through Twilio.

- webchat.py: socket.io for the rasa-webchat widget, limited to allowed origins.
- webchat_links.py: phone numbers in web chat messages as tel:/sms: links.
- sms.py: the Twilio webhook, with signature checks, opt-out and TwiML replies.
- typed_text.py: what both do with a person's text before Rasa reads it
  (button choices, no payload syntax, no control characters).
- sms_text.py: bot messages as at most 3 GSM-7 texts of 160 characters.
- opt_out.py: the SMS opt-out keywords and the table that remembers them.
- texts.py: the channels' own wording, from data/content/channels.yml.
"""
