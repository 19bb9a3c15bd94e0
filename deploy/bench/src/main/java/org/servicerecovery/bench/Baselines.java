package org.servicerecovery.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.servicerecovery.localinfra.TopicCatalogue;

/**
 * What the raw parts do on this box in this run: the ceiling our figures are read against, so their ratio holds on a
 * noisy or slower machine.
 */
final class Baselines {

    record Figures(double kafkaProducePerSecond, double kafkaConsumePerSecond, double pgCommitsPerSecond,
                   double pgBatchedRowsPerSecond) {
    }

    private static final int RECORDS = 300_000;
    private static final byte[] PAYLOAD = new byte[300];

    private Baselines() {
    }

    static Figures measure(String bootstrapServers, BenchDb db, Report report) throws Exception {
        String topic = "bench.baseline";
        TopicCatalogue.ensureTopic(bootstrapServers, topic, 6);
        double produce = produce(bootstrapServers, topic);
        double consume = consume(bootstrapServers, topic);
        double commits = singleRowCommits(db, Duration.ofSeconds(5));
        double rows = batchedRows(db, 200_000);
        report.add("baseline", "Kafka produce (300 B, acks=all, idempotent)", Report.perSecond(produce),
                "raw kafka-clients; 300,000 records ÷ (first send → last acknowledgement)");
        report.add("baseline", "Kafka consume", Report.perSecond(consume),
                "raw kafka-clients; the same 300,000 ÷ (first non-empty poll → last record polled)");
        report.add("baseline", "PostgreSQL commits, 1 row each", Report.perSecond(commits),
                "raw JDBC, fsync on; commits returned in 5 s ÷ 5 s, one connection");
        report.add("baseline", "PostgreSQL rows, 500 per commit", Report.perSecond(rows),
                "raw JDBC, fsync on; 200,000 rows ÷ (first insert → last commit returned)");
        return new Figures(produce, consume, commits, rows);
    }

    private static double produce(String bootstrapServers, String topic) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            List<Future<RecordMetadata>> acks = new ArrayList<>(RECORDS);
            for (int i = 0; i < RECORDS; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, "cust-" + (i % 1000), PAYLOAD)));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            return RECORDS / seconds(start);
        }
    }

    private static double consume(String bootstrapServers, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long start = 0;
            while (read < RECORDS) {
                int polled = consumer.poll(Duration.ofMillis(500)).count();
                if (polled > 0 && start == 0) {
                    start = System.nanoTime();
                }
                read += polled;
            }
            return RECORDS / seconds(start);
        }
    }

    private static double singleRowCommits(BenchDb db, Duration duration) throws Exception {
        try (Connection connection = db.connect(); Statement ddl = connection.createStatement()) {
            ddl.execute("CREATE TABLE IF NOT EXISTS public.bench_baseline (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)");
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO public.bench_baseline (payload) VALUES (?)")) {
                long start = System.nanoTime();
                long deadline = start + duration.toNanos();
                int commits = 0;
                while (System.nanoTime() < deadline) {
                    insert.setString(1, "x".repeat(300));
                    insert.executeUpdate();
                    connection.commit();
                    commits++;
                }
                return commits / seconds(start);
            }
        }
    }

    private static double batchedRows(BenchDb db, int rows) throws Exception {
        try (Connection connection = db.connect();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO public.bench_baseline (payload) VALUES (?)")) {
            connection.setAutoCommit(false);
            long start = System.nanoTime();
            for (int i = 1; i <= rows; i++) {
                insert.setString(1, "x".repeat(300));
                insert.addBatch();
                if (i % 500 == 0) {
                    insert.executeBatch();
                    connection.commit();
                }
            }
            return rows / seconds(start);
        }
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
