# service-recovery: the commands a newcomer needs. Everything runs on 127.0.0.1.
MVNW := ./mvnw -B -ntp
ROLE ?= agent
SUB ?= alice
TEAM ?= blue

.PHONY: build run stop test token clean bench

build: ## compile and package every module, tests skipped
	$(MVNW) -q package -DskipTests

run: build ## start Kafka, PostgreSQL and all services in the background; prints the console URL and a token
	deploy/local/run.sh

stop: ## stop exactly what `make run` started
	deploy/local/stop.sh

test: ## the whole suite: unit, @QuarkusTest on real Kafka/PostgreSQL, end-to-end
	$(MVNW) install

token: ## make token ROLE=agent SUB=alice TEAM=blue
	@test -f libs/local-infra/target/runtime-classpath.txt || $(MVNW) -q package -DskipTests -pl libs/local-infra -am
	@deploy/local/token.sh $(ROLE) $(SUB) $(TEAM)

clean: stop
	$(MVNW) -q clean

bench: ## measure the system next to same-run Kafka and PostgreSQL baselines; writes target/bench/report.md
	$(MVNW) -q package -DskipTests
	java -cp "deploy/bench/target/classes:$$(cat deploy/bench/target/runtime-classpath.txt)" org.servicerecovery.bench.Bench
