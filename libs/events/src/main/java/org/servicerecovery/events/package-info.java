/**
 * The event contract of service-recovery: the CloudEvents envelope and its Kafka/JSON codec, the topic
 * catalogue, the catalogue of event types and the binding between an event's {@code data} and its record.
 *
 * <p>Data records live in {@link org.servicerecovery.events.crm} (the public contract CRMs send to us) and
 * {@link org.servicerecovery.events.domain} (what our services publish). Their JSON Schemas are on the
 * classpath under {@code schemas/}.
 */
package org.servicerecovery.events;
