package io.flinkinference.e2e.cluster;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ArrayNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The JobManager's REST API, as a user's tooling (or the web UI) calls it: jar upload and run, job
 * status, checkpoints, backpressure and metrics. Thread-safe.
 */
public final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TERMINAL =
            Set.of("FINISHED", "FAILED", "CANCELED", "SUSPENDED");

    private final String baseUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    public JsonNode post(String path, JsonNode body) throws IOException {
        return send(
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException {
        try {
            HttpResponse<String> response =
                    http.send(
                            request.timeout(Duration.ofSeconds(60)).build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IOException(
                        request.build().method()
                                + " "
                                + request.build().uri()
                                + " answered "
                                + response.statusCode()
                                + ": "
                                + response.body());
            }
            String body = response.body();
            return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** POST /jars/upload (multipart, as the web UI does); returns the jar id. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "----e2e" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(Files.readAllBytes(jar));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer =
                send(
                        HttpRequest.newBuilder(URI.create(baseUrl + "/jars/upload"))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String file = answer.path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /** POST /jars/:jarid/run; returns the job id. */
    public String runJar(String jarId, String entryClass, List<String> args, int parallelism)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", entryClass);
        ArrayNode list = body.putArray("programArgsList");
        args.forEach(list::add);
        body.put("parallelism", parallelism);
        return post("/jars/" + jarId + "/run", body).path("jobid").asText();
    }

    public String jobState(String jobId) throws IOException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Polls the job until it reaches a terminal state; returns that state. */
    public String awaitTerminal(String jobId, Duration timeout) {
        String[] state = {""};
        Deadline.of(timeout)
                .await(
                        "job " + jobId + " to end",
                        () -> {
                            state[0] = jobState(jobId);
                            return TERMINAL.contains(state[0]);
                        });
        return state[0];
    }

    /** Polls until the job is RUNNING with every task running. */
    public void awaitAllTasksRunning(String jobId, Duration timeout) {
        Deadline.of(timeout)
                .await(
                        "every task of job " + jobId + " to run",
                        () -> {
                            JsonNode job = get("/jobs/" + jobId);
                            String state = job.path("state").asText();
                            if (TERMINAL.contains(state)) {
                                throw new IllegalStateException(
                                        "job " + jobId + " ended (" + state + ") before running");
                            }
                            if (!"RUNNING".equals(state)) {
                                return false;
                            }
                            for (JsonNode vertex : job.path("vertices")) {
                                JsonNode counts = vertex.path("tasks");
                                if (counts.path("RUNNING").asInt()
                                        != vertex.path("parallelism").asInt()) {
                                    return false;
                                }
                            }
                            return true;
                        });
    }

    public void cancel(String jobId) {
        try {
            send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/jobs/" + jobId + "?mode=cancel"))
                            .method("PATCH", HttpRequest.BodyPublishers.noBody()));
        } catch (IOException e) {
            // already gone
        }
    }

    /** The ids of the jobs that are not in a terminal state. */
    public List<String> activeJobs() throws IOException {
        List<String> active = new java.util.ArrayList<>();
        for (JsonNode job : get("/jobs").path("jobs")) {
            if (!TERMINAL.contains(job.path("status").asText())) {
                active.add(job.path("id").asText());
            }
        }
        return active;
    }

    /** Completed checkpoints so far (GET /jobs/:id/checkpoints, counts.completed). */
    public int completedCheckpoints(String jobId) throws IOException {
        return get("/jobs/" + jobId + "/checkpoints").path("counts").path("completed").asInt();
    }

    /**
     * How often the job failed over (restarted all or part of itself): the larger of the job-level
     * {@code numRestarts} metric and the number of entries in the exception history (GET
     * /jobs/:id/exceptions), which, unlike a metric sample, is kept after the job ended.
     */
    public long numRestarts(String jobId) throws IOException {
        long restarts =
                get("/jobs/" + jobId + "/exceptions")
                        .path("exceptionHistory")
                        .path("entries")
                        .size();
        JsonNode metrics = get("/jobs/" + jobId + "/metrics?get=numRestarts");
        for (JsonNode metric : metrics) {
            if ("numRestarts".equals(metric.path("id").asText())) {
                restarts = Math.max(restarts, metric.path("value").asLong());
            }
        }
        return restarts;
    }

    /** The id of the job's vertex whose name contains {@code part}. */
    public String vertex(String jobId, String part) throws IOException {
        JsonNode vertices = get("/jobs/" + jobId).path("vertices");
        for (JsonNode vertex : vertices) {
            if (vertex.path("name").asText().contains(part)) {
                return vertex.path("id").asText();
            }
        }
        throw new IOException("no vertex named *" + part + "* in " + vertices);
    }

    /**
     * GET /jobs/:id/vertices/:vid/backpressure: the highest back-pressured ratio of the vertex's
     * subtasks (0..1), or -1 while Flink has no sample yet.
     */
    public double backpressureRatio(String jobId, String vertexId) throws IOException {
        JsonNode answer = get("/jobs/" + jobId + "/vertices/" + vertexId + "/backpressure");
        if (!"ok".equals(answer.path("status").asText())) {
            return -1;
        }
        double max = -1;
        for (JsonNode subtask : answer.path("subtasks")) {
            max = Math.max(max, subtask.path("ratio").asDouble());
        }
        return max;
    }

    /**
     * The sum over subtasks of a vertex metric (GET /jobs/:id/vertices/:vid/subtasks/metrics), or
     * -1 while the metric is not reported yet.
     */
    public double subtaskMetricSum(String jobId, String vertexId, String metric)
            throws IOException {
        JsonNode answer =
                get(
                        "/jobs/"
                                + jobId
                                + "/vertices/"
                                + vertexId
                                + "/subtasks/metrics?get="
                                + metric
                                + "&agg=sum,max");
        for (JsonNode m : answer) {
            if (metric.equals(m.path("id").asText())) {
                return m.path("sum").asDouble();
            }
        }
        return -1;
    }

    /** The resource ids of the TaskManagers running a subtask of the vertex. */
    public List<String> taskManagersOf(String jobId, String vertexId) throws IOException {
        List<String> ids = new java.util.ArrayList<>();
        for (JsonNode tm :
                get("/jobs/" + jobId + "/vertices/" + vertexId + "/taskmanagers")
                        .path("taskmanagers")) {
            ids.add(tm.path("taskmanager-id").asText());
        }
        return ids;
    }
}
