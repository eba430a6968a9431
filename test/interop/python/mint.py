"""Prints the Python fixture: a token minted with LiveKit's Python server SDK (livekit-api), and
the time it was minted. `python mint.py > token.json` (in a venv with requirements.txt)."""

import datetime
import json
import time

from livekit import api
from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.room import RoomConfiguration

minted_at = int(time.time())
token = (
    api.AccessToken("devkey", "secret")
    .with_identity("interop-user")
    .with_name("Interop User")
    .with_ttl(datetime.timedelta(minutes=15))
    .with_grants(api.VideoGrants(room_join=True, room="interop-room"))
    .with_room_config(RoomConfiguration(agents=[RoomAgentDispatch(agent_name="e2e-agent")]))
    .to_jwt()
)
print(json.dumps({"sdk": "livekit-api (PyPI)", "version": "1.2.2", "mintedAt": minted_at, "token": token}))
