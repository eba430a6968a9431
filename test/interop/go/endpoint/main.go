// Command endpoint is a standard LiveKit token endpoint written with LiveKit's Go server SDK, as
// LiveKit's "Endpoint token generation" page describes it: POST a JSON TokenSourceRequest
// (room_name, participant_identity, participant_name, participant_metadata,
// participant_attributes, room_config), get 201 with { server_url, participant_token }.
//
// Configuration comes from the environment: LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET,
// PORT (0 = any free port; the address is printed as "listening on http://…"), and
// ALLOWED_ORIGIN (the web app's origin, for CORS, when the app is served from another origin).
//
// A production endpoint also authenticates the caller and decides who may ask for which room,
// identity and agent; this one honours every request, like LiveKit's example.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"google.golang.org/protobuf/encoding/protojson"
)

const maxBodyBytes = 64 << 10

func main() {
	serverURL, apiKey, apiSecret := os.Getenv("LIVEKIT_URL"), os.Getenv("LIVEKIT_API_KEY"), os.Getenv("LIVEKIT_API_SECRET")
	if serverURL == "" || apiKey == "" || apiSecret == "" {
		log.Fatal("set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET")
	}
	listener, err := net.Listen("tcp", "127.0.0.1:"+envOr("PORT", "0"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s\n", listener.Addr())

	handler := tokenHandler(serverURL, apiKey, apiSecret)
	server := &http.Server{
		Handler:           withCORS(os.Getenv("ALLOWED_ORIGIN"), handler),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
	}
	log.Fatal(server.Serve(listener))
}

func tokenHandler(serverURL, apiKey, apiSecret string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		// protojson reads the snake_case field names of the standard request (and camelCase too).
		request := &livekit.TokenSourceRequest{}
		if len(body) > 0 {
			if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(body, request); err != nil {
				http.Error(w, "invalid request: "+err.Error(), http.StatusBadRequest)
				return
			}
		}

		identity := request.GetParticipantIdentity()
		if identity == "" {
			identity = "user-" + uuid.NewString()[:8]
		}
		room := request.GetRoomName()
		if room == "" {
			room = "room-" + uuid.NewString()[:8]
		}
		token := auth.NewAccessToken(apiKey, apiSecret).
			SetIdentity(identity).
			SetName(request.GetParticipantName()).
			SetMetadata(request.GetParticipantMetadata()).
			SetAttributes(request.GetParticipantAttributes()).
			SetValidFor(15 * time.Minute).
			SetVideoGrant(&auth.VideoGrant{RoomJoin: true, Room: room})
		if request.RoomConfig != nil {
			token.SetRoomConfig(request.RoomConfig)
		}
		jwt, err := token.ToJWT()
		if err != nil {
			http.Error(w, "could not mint: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{"server_url": serverURL, "participant_token": jwt})
	}
}

// withCORS lets the web app at origin call the endpoint from the browser (preflight included).
func withCORS(origin string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if origin != "" && r.Header.Get("Origin") == origin {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Allow-Methods", "POST")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization")
			w.Header().Set("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func envOr(name, fallback string) string {
	if value := os.Getenv(name); value != "" {
		return value
	}
	return fallback
}
