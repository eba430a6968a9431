// Command mint prints the Go fixture: a token minted the way LiveKit's Go server SDK
// (server-sdk-go v2.19.0, whose tokens come from github.com/livekit/protocol/auth) mints it, and
// the time it was minted. `go run ./mint > token.json`
package main

import (
	"encoding/json"
	"os"
	"time"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
)

func main() {
	mintedAt := time.Now().Unix()
	token, err := auth.NewAccessToken("devkey", "secret").
		SetIdentity("interop-user").
		SetName("Interop User").
		SetValidFor(15 * time.Minute).
		SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: "interop-room"}).
		SetRoomConfig(&livekit.RoomConfiguration{
			Agents: []*livekit.RoomAgentDispatch{{AgentName: "e2e-agent"}},
		}).
		ToJWT()
	if err != nil {
		panic(err)
	}
	fixture := map[string]any{
		"sdk":      "github.com/livekit/server-sdk-go/v2",
		"version":  "v2.19.0",
		"mintedAt": mintedAt,
		"token":    token,
	}
	if err := json.NewEncoder(os.Stdout).Encode(fixture); err != nil {
		panic(err)
	}
}
