"""Where the conversation is: topics in posts, channels ranked for a segment, and how much
of your own posting is conversation."""
