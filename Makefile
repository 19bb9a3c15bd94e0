# service-recovery: the commands a newcomer needs. Everything runs on 127.0.0.1.
MVNW := ./mvnw -B -ntp
ROLE ?= agent
# make bench BENCH="loyalty": only some sections (reliability, loyalty, recovery, promises, intake, system; system-sustained or system-steps for one part of it) (the same-run baselines always run)
BENCH ?=
# make chaos CYCLES=10: how many cycles; MODE=faults: no service restarts, hostile input, broker down past the delivery timeout;
# MODE=brokers: a three-node Kafka cluster, kill -9 of one node at a time (rolling) and of two at once every fourth cycle
CYCLES ?= 50
MODE ?= kill
# make chaos REPLICAS=1: replicas of each data service in the chaos run (the end-to-end tests read REPLICAS too)
REPLICAS ?= 2
SUB ?= alice
TEAM ?= blue
# make dead-letters / make replay: which service's dead letters (intake, promise-tracking, recovery-escalation,
# loyalty-scoring), and the filters: REASON (text in the reason), REASON_REGEX, FROM/TO (RFC 3339, when dead-lettered)
SERVICE ?=
REASON ?=
REASON_REGEX ?=
FROM ?=
TO ?=
LIMIT ?=
DRY_RUN ?=
FORCE ?=
DEAD_LETTER_FILTERS = from="$(FROM)" to="$(TO)" reason="$(REASON)" reasonRegex="$(REASON_REGEX)"
# make images: where the images go (the Helm chart's image.registry / image.repository / image.tag)
IMAGE_REGISTRY ?= registry.example.com
IMAGE_GROUP ?= service-recovery
IMAGE_TAG ?= $(shell sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)

.PHONY: build run stop test token dead-letters replay clean bench chaos images helm-lint

build: ## compile and package every module, tests skipped
	$(MVNW) -q package -DskipTests

run: build ## start Kafka, PostgreSQL and all services in the background; prints the console URL and a token
	deploy/local/run.sh

stop: ## stop exactly what `make run` started
	deploy/local/stop.sh

test: ## the whole suite: unit, @QuarkusTest on real Kafka/PostgreSQL, end-to-end (two modules at a time: much of a test run waits on outages and timers)
	$(MVNW) -T 2 install

token: ## make token ROLE=agent SUB=alice TEAM=blue
	@test -f libs/local-infra/target/runtime-classpath.txt || $(MVNW) -q package -DskipTests -pl libs/local-infra -am
	@deploy/local/token.sh $(ROLE) $(SUB) $(TEAM)

dead-letters: ## list a running service's dead letters with their reasons: make dead-letters SERVICE=intake [REASON=text] [FROM=…] [TO=…] [LIMIT=100]
	@test -f libs/local-infra/target/runtime-classpath.txt || $(MVNW) -q package -DskipTests -pl libs/local-infra -am
	@deploy/local/dead-letters.sh list "$(SERVICE)" $(DEAD_LETTER_FILTERS) limit="$(LIMIT)"

replay: ## re-publish a running service's dead letters to their original topics: make replay SERVICE=intake [REASON=text] [REASON_REGEX=re] [FROM=…] [TO=…] [DRY_RUN=1] [FORCE=1]
	@test -f libs/local-infra/target/runtime-classpath.txt || $(MVNW) -q package -DskipTests -pl libs/local-infra -am
	@deploy/local/dead-letters.sh replay "$(SERVICE)" $(DEAD_LETTER_FILTERS) dryRun="$(DRY_RUN)" force="$(FORCE)"

clean: stop
	$(MVNW) -q clean

bench: ## measure the system next to same-run Kafka and PostgreSQL baselines; writes target/bench/report.md
	$(MVNW) -q package -DskipTests
	java -cp "deploy/bench/target/classes:$$(cat deploy/bench/target/runtime-classpath.txt)" org.servicerecovery.bench.Bench $(BENCH)

chaos: ## REPLICAS (2) of each service under load; kill -9 one replica, the Kafka broker or PostgreSQL every few seconds (CYCLES times; MODE=faults: faults and hostile input, no restarts; MODE=brokers: three Kafka nodes, kill -9 one at a time and two at once, no restarts), then reconcile; exit 1 on any mismatch
	$(MVNW) -q package -DskipTests
	java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -De2e.replicas=$(REPLICAS) -cp "deploy/e2e/target/test-classes:$$(cat deploy/e2e/target/test-classpath.txt)" org.servicerecovery.e2e.chaos.Chaos $(CYCLES) $(MODE)

images: ## build and push the five service images with Jib (needs a reachable base-image registry and push rights; not part of `make test`)
	$(MVNW) package -DskipTests -Pimages -Dquarkus.container-image.build=true -Dquarkus.container-image.push=true \
		-Dimages.registry=$(IMAGE_REGISTRY) -Dimages.group=$(IMAGE_GROUP) -Dimages.tag=$(IMAGE_TAG) \
		-Dquarkus.container-image.registry=$(IMAGE_REGISTRY) -Dquarkus.container-image.group=$(IMAGE_GROUP) \
		-Dquarkus.container-image.tag=$(IMAGE_TAG)

helm-lint: ## lint and render the Helm chart (helm/service-recovery) with the embedded Helm; no helm binary needed
	$(MVNW) -q verify -pl helm
