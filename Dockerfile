# One image for every member; docker-compose.yml runs three of them.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY raft-store raft-store
COPY registry-client registry-client
COPY registry-server registry-server
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --home /var/lib/muster muster && mkdir -p /var/lib/muster && chown muster /var/lib/muster
COPY --from=build /src/registry-server/target/muster-server.jar /opt/muster/muster-server.jar
USER muster
WORKDIR /var/lib/muster
# HTTP API, Raft (gRPC), DNS (UDP and TCP)
EXPOSE 8700 8701 8753/udp 8753/tcp
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
# Every flag comes from MUSTER_* variables; exec form so SIGTERM reaches the JVM for a graceful stop.
ENTRYPOINT ["java", "-jar", "/opt/muster/muster-server.jar", "server"]
