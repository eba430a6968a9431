import io.livekit.server.AccessToken;
import io.livekit.server.CanPublishData;
import io.livekit.server.CanPublishSources;
import io.livekit.server.CanUpdateOwnMetadata;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import livekit.LivekitAgentDispatch.RoomAgentDispatch;
import livekit.LivekitRoom.RoomConfiguration;

/**
 * Writes the Java fixture to the path given (Maven's own output would mix into stdout): a token
 * minted with io.livekit:livekit-server, and the time it was minted.
 */
public final class Mint {
  public static void main(String[] args) throws IOException {
    AccessToken token = new AccessToken("devkey", "secret");
    token.setIdentity("interop-user");
    token.setName("Interop User");
    token.setTtl(TimeUnit.MINUTES.toMillis(15));
    token.addGrants(new RoomJoin(true), new RoomName("interop-room"));
    token.setRoomConfiguration(
        RoomConfiguration.newBuilder()
            .addAgents(RoomAgentDispatch.newBuilder().setAgentName("e2e-agent"))
            .build());
    // The token carries no iat/nbf: the mint time is read just before it is signed.
    long mintedAt = System.currentTimeMillis() / 1000;
    String jwt = token.toJwt();
    String fixture = String.format(
        "{\"sdk\":\"io.livekit:livekit-server\",\"version\":\"0.13.0\",\"mintedAt\":%d,\"token\":\"%s\",\"fullToken\":\"%s\"}%n",
        mintedAt, jwt, fullToken());
    Files.writeString(Path.of(args[0]), fixture);
  }

  /** The same request with every optional claim, and a 30-day lifetime. */
  private static String fullToken() {
    AccessToken token = new AccessToken("devkey", "secret");
    token.setIdentity("interop-user");
    token.setName("Interop User");
    token.setMetadata("{\"plan\":\"pro\"}");
    token.getAttributes().put("team", "blue");
    token.setTtl(TimeUnit.DAYS.toMillis(30));
    token.addGrants(
        new RoomJoin(true),
        new RoomName("interop-room"),
        new CanPublishSources(List.of("camera", "screen_share")),
        new CanPublishData(false),
        new CanUpdateOwnMetadata(true));
    token.setRoomConfiguration(
        RoomConfiguration.newBuilder()
            .addAgents(RoomAgentDispatch.newBuilder().setAgentName("e2e-agent").setMetadata("{\"lang\":\"en\"}"))
            .build());
    return token.toJwt();
  }
}
