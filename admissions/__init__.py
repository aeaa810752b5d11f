"""Callback requests for the admissions team: storage, export, notifications and retention.

`python -m admissions --help` is the staff's command-line tool.
"""
