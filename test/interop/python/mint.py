"""Prints the Python fixture: tokens minted with LiveKit's Python server SDK (livekit-api) — the
plain one and the one with every optional claim (README.md) — and the time they were minted. `python mint.py > token.json` (in a venv with requirements.txt)."""

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
full_token = (
    api.AccessToken("devkey", "secret")
    .with_identity("interop-user")
    .with_name("Interop User")
    .with_metadata('{"plan":"pro"}')
    .with_attributes({"team": "blue"})
    .with_ttl(datetime.timedelta(days=30))
    .with_grants(
        api.VideoGrants(
            room_join=True,
            room="interop-room",
            can_publish_sources=["camera", "screen_share"],
            can_publish_data=False,
            can_update_own_metadata=True,
        )
    )
    .with_room_config(RoomConfiguration(agents=[RoomAgentDispatch(agent_name="e2e-agent", metadata='{"lang":"en"}')]))
    .to_jwt()
)
print(
    json.dumps(
        {"sdk": "livekit-api (PyPI)", "version": "1.2.2", "mintedAt": minted_at, "token": token, "fullToken": full_token}
    )
)
