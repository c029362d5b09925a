"""`make bench`: synthetic knowledge bases at scale and the measurements taken on them."""
