package io.muster.faults.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.muster.faults.history.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * One HTTP exchange with one member and its classification: what the client may conclude about its effect. Only
 * answers that mean "not applied" count as failures; a timeout or a torn exchange leaves the outcome unknown.
 */
final class Calls {

    static final ObjectMapper JSON = new ObjectMapper();

    /** An exchange's result: outcome, status (0 if none), headers of interest and the parsed body. */
    record Result(Outcome outcome, int status, Optional<JsonNode> body, long index, String detail) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(800))
            .version(HttpClient.Version.HTTP_1_1).build();

    Result send(String method, String url, String body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return new Result(Outcome.FAIL, 0, Optional.empty(), -1, "connect: " + e.getMessage());
        } catch (IOException e) {
            return new Result(Outcome.UNKNOWN, 0, Optional.empty(), -1, e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Outcome.UNKNOWN, 0, Optional.empty(), -1, "interrupted");
        }
        Optional<JsonNode> json = Optional.empty();
        try {
            json = Optional.ofNullable(JSON.readTree(r.body()));
        } catch (IOException e) {
            // Not JSON: kept as the detail.
        }
        long index = r.headers().firstValue("X-Muster-Index").map(Long::parseLong)
                .orElse(json.map(j -> j.path("index").asLong(-1)).orElse(-1L));
        int status = r.statusCode();
        String code = json.map(j -> j.path("error").asText("")).orElse("");
        String detail = status == 200 ? "" : code + " " + json.map(j -> j.path("message").asText("")).orElse(r.body());
        Outcome outcome;
        if (status == 200) {
            outcome = Outcome.OK;
        } else if (status < 500 || status == 503 && code.equals("no_leader")) {
            // 4xx, 429, and 503 no_leader, which the contract keeps for "not applied".
            outcome = Outcome.FAIL;
        } else {
            outcome = Outcome.UNKNOWN;
        }
        return new Result(outcome, status, json, index, detail);
    }
}
