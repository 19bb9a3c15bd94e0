package org.servicerecovery.events;

/**
 * The {@code data} of every event in the catalogue. Each event concerns exactly one customer, whose id is
 * both the Kafka record key and the CloudEvents {@code subject}: that keeps all of a customer's events on
 * one partition, in order.
 */
public interface CustomerEvent {

    String customerId();
}
