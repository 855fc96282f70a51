"""Sessions in the cache, written through to the database, that survive the cache being down.

Django's cached_db backend already falls back to the database when reading the cache
fails, but then writes the session back to the cache unguarded, and asks the cache
whether a new session key exists unguarded too: with the cache (Redis) down or full, a
visitor with a session got a 500 on every page. Here every cache call is guarded: the
database is the session store, the cache only speeds it up.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db, db

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self) -> dict[str, Any]:
        try:
            data = self._cache.get(self.cache_key)
        except Exception as error:
            logger.warning("sessions: the cache is unavailable, reading the database: %s", error)
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception as error:
            logger.warning("sessions: the cache is unavailable, not caching: %s", error)
        return data

    def exists(self, session_key: str | None) -> bool:
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception as error:
            logger.warning("sessions: the cache is unavailable, asking the database: %s", error)
        return db.SessionStore.exists(self, session_key)

    def delete(self, session_key: str | None = None) -> None:
        key = session_key if session_key is not None else self.session_key
        db.SessionStore.delete(self, session_key)
        if key is None:
            return
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception as error:
            logger.warning("sessions: the cache is unavailable, not deleting there: %s", error)
