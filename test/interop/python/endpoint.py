"""A standard LiveKit token endpoint written with LiveKit's Python server SDK (livekit-api), as
LiveKit's "Endpoint token generation" page describes it: POST a JSON TokenSourceRequest
(room_name, participant_identity, participant_name, participant_metadata,
participant_attributes, room_config), get 201 with { server_url, participant_token }.

Standard library HTTP server, so the only dependency is the SDK. Configuration comes from the
environment: LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET, PORT (0 = any free port; the
address is printed as "listening on http://…"), and ALLOWED_ORIGIN (the web app's origin, for
CORS, when the app is served from another origin).

A production endpoint also authenticates the caller and decides who may ask for which room,
identity and agent; this one honours every request, like LiveKit's example.
"""

import datetime
import json
import os
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf.json_format import ParseDict, ParseError
from livekit import api
from livekit.protocol.room import RoomConfiguration

SERVER_URL = os.environ["LIVEKIT_URL"]
API_KEY = os.environ["LIVEKIT_API_KEY"]
API_SECRET = os.environ["LIVEKIT_API_SECRET"]
ALLOWED_ORIGIN = os.environ.get("ALLOWED_ORIGIN", "")
MAX_BODY_BYTES = 64 * 1024


def mint(request: dict) -> str:
    identity = request.get("participant_identity") or f"user-{uuid.uuid4().hex[:8]}"
    room = request.get("room_name") or f"room-{uuid.uuid4().hex[:8]}"
    token = (
        api.AccessToken(API_KEY, API_SECRET)
        .with_identity(identity)
        .with_name(request.get("participant_name") or "")
        .with_metadata(request.get("participant_metadata") or "")
        .with_attributes(request.get("participant_attributes") or {})
        .with_ttl(datetime.timedelta(minutes=15))
        .with_grants(api.VideoGrants(room_join=True, room=room))
    )
    if request.get("room_config"):
        # ParseDict reads the protobuf JSON names, snake_case (agent_name) and camelCase (agentName).
        token = token.with_room_config(ParseDict(request["room_config"], RoomConfiguration(), ignore_unknown_fields=True))
    return token.to_jwt()


class TokenEndpoint(BaseHTTPRequestHandler):
    # Seconds a connection may sit idle: a client that stops sending mid-request is dropped.
    timeout = 10

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self.send_cors_headers()
        self.end_headers()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            return self.reply(413, {"error": "body too large"})
        try:
            request = json.loads(self.rfile.read(length) or b"{}")
            if not isinstance(request, dict):
                raise ValueError("the body is not a JSON object")
            token = mint(request)
        except (ValueError, ParseError) as error:
            return self.reply(400, {"error": f"invalid request: {error}"})
        self.reply(201, {"server_url": SERVER_URL, "participant_token": token})

    def reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_cors_headers()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_cors_headers(self) -> None:
        if ALLOWED_ORIGIN and self.headers.get("Origin") == ALLOWED_ORIGIN:
            self.send_header("Access-Control-Allow-Origin", ALLOWED_ORIGIN)
            self.send_header("Access-Control-Allow-Methods", "POST")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Authorization")
            self.send_header("Vary", "Origin")

    def log_message(self, format: str, *args) -> None:
        print(f"{self.address_string()} {format % args}", flush=True)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "0"))), TokenEndpoint)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
