"""Outreach: what staff hand out to reach families (short links, QR codes, flyers, messages),
and the channel tags that tell a leader which of it worked, without tracking anyone."""
