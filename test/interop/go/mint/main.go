// Command mint prints the Go fixture: tokens minted the way LiveKit's Go server SDK
// (server-sdk-go v2.19.0, whose tokens come from github.com/livekit/protocol/auth) mints them —
// the plain one and the one with every optional claim (README.md) — and the time they were minted. `go run ./mint > token.json`
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
	canPublishData, canUpdateOwnMetadata := false, true
	fullToken, err := auth.NewAccessToken("devkey", "secret").
		SetIdentity("interop-user").
		SetName("Interop User").
		SetMetadata(`{"plan":"pro"}`).
		SetAttributes(map[string]string{"team": "blue"}).
		SetValidFor(30 * 24 * time.Hour).
		SetVideoGrant(&auth.VideoGrant{
			RoomJoin:             true,
			Room:                 "interop-room",
			CanPublishSources:    []string{"camera", "screen_share"},
			CanPublishData:       &canPublishData,
			CanUpdateOwnMetadata: &canUpdateOwnMetadata,
		}).
		SetRoomConfig(&livekit.RoomConfiguration{
			Agents: []*livekit.RoomAgentDispatch{{AgentName: "e2e-agent", Metadata: `{"lang":"en"}`}},
		}).
		ToJWT()
	if err != nil {
		panic(err)
	}
	fixture := map[string]any{
		"sdk":       "github.com/livekit/server-sdk-go/v2",
		"version":   "v2.19.0",
		"mintedAt":  mintedAt,
		"token":     token,
		"fullToken": fullToken,
	}
	if err := json.NewEncoder(os.Stdout).Encode(fixture); err != nil {
		panic(err)
	}
}
