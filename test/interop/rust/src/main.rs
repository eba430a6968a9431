//! Prints the Rust fixture: a token minted with LiveKit's Rust server SDK (`livekit-api`), and the
//! time it was minted. `cargo run -q > token.json`
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use livekit_api::access_token::{AccessToken, VideoGrants};
use livekit_protocol::{RoomAgentDispatch, RoomConfiguration};

fn main() {
    let minted_at = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs();
    let token = AccessToken::with_api_key("devkey", "secret")
        .with_identity("interop-user")
        .with_name("Interop User")
        .with_ttl(Duration::from_secs(15 * 60))
        .with_grants(VideoGrants { room_join: true, room: "interop-room".into(), ..Default::default() })
        .with_room_config(RoomConfiguration {
            agents: vec![RoomAgentDispatch { agent_name: "e2e-agent".into(), ..Default::default() }],
            ..Default::default()
        })
        .to_jwt()
        .expect("a valid token");
    let fixture = serde_json::json!({
        "sdk": "livekit-api (crate)",
        "version": "0.10.0",
        "mintedAt": minted_at,
        "token": token,
        "fullToken": full_token(),
    });
    println!("{fixture}");
}

/// The same request with every optional claim, and a 30-day lifetime.
fn full_token() -> String {
    AccessToken::with_api_key("devkey", "secret")
        .with_identity("interop-user")
        .with_name("Interop User")
        .with_metadata(r#"{"plan":"pro"}"#)
        .with_attributes([("team", "blue")])
        .with_ttl(Duration::from_secs(30 * 24 * 3600))
        .with_grants(VideoGrants {
            room_join: true,
            room: "interop-room".into(),
            can_publish_sources: vec!["camera".into(), "screen_share".into()],
            can_publish_data: Some(false),
            can_update_own_metadata: Some(true),
            ..Default::default()
        })
        .with_room_config(RoomConfiguration {
            agents: vec![RoomAgentDispatch {
                agent_name: "e2e-agent".into(),
                metadata: r#"{"lang":"en"}"#.into(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .to_jwt()
        .expect("a valid token")
}
