"""Door staff's own page: the events they check people in at.

The check-in desk itself is the back office's (`backoffice.check_in_desk`), where the QR code
on every ticket leads; door staff may use it only for the events they are given.
"""
