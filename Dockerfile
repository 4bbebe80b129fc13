# One image for every member; docker-compose.yml runs three of them, deploy/kubernetes/ a StatefulSet of three.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# The whole reactor (Maven reads every module's POM), built only as far as the server needs (.dockerignore
# leaves out build output and local data).
COPY . .
RUN mvn -q -B -Dmaven.test.skip=true -pl registry-server -am package

FROM eclipse-temurin:17-jre
# A fixed numeric user, so that Kubernetes' runAsNonRoot can verify it (deploy/kubernetes/statefulset.yaml runs
# as 10001); the data directory exists and is the user's, so a fresh volume mounted there is writable.
RUN groupadd --system --gid 10001 muster \
    && useradd --system --uid 10001 --gid 10001 --home /var/lib/muster muster \
    && mkdir -p /var/lib/muster/data && chown -R 10001:10001 /var/lib/muster
COPY --from=build /src/registry-server/target/muster-server.jar /opt/muster/muster-server.jar
COPY bin/muster-server.options /opt/muster/muster-server.options
USER 10001:10001
WORKDIR /var/lib/muster
# HTTP API, Raft (gRPC), DNS (UDP and TCP)
EXPOSE 8700 8701 8753/udp 8753/tcp
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
# Every flag comes from MUSTER_* variables; exec form so SIGTERM reaches the JVM for a graceful stop.
# The JVM options every member starts with (bin/muster-server.options); JAVA_TOOL_OPTIONS adds to them.
ENTRYPOINT ["java", "@/opt/muster/muster-server.options", "-jar", "/opt/muster/muster-server.jar", "server"]
