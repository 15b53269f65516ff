"""Voice: audio in and out, offline Dutch recognition, command spotting and spoken cues."""
