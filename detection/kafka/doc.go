// Package kafka runs an engine's detections on a Kafka consumer group, or
// on Azure Event Hubs through its Kafka endpoint, where Entra diagnostic
// settings stream sign-ins and audit logs: each member of the group runs
// the stream of the input partitions it is assigned, and a group of any
// size gives the findings one process would.
//
// # Tenants and partitions
//
// Each tenant's records are a stream of their own (a finding never mixes
// two tenants, as an MSSP needs): a record's tenant is its tenantId (Azure
// Monitor), its AADTenantId (Log Analytics) or the tenant of its
// resourceId, and, for a record that names none (a Graph API export), the
// message key. Every group of every rule must have one owner, so the
// input must be keyed by tenant: all of a tenant's records on one
// partition, in time order within the lateness. A partition may hold many
// tenants; its owner keeps one stream per tenant. The findings of a
// tenant's stream are those of a one-process stream run
// ([detection.Engine.NewStream]) over that tenant's records alone, window
// for window.
//
// Entra's diagnostic settings do not key what they send: with one tenant
// per event hub, give the hub one partition, or re-key it by tenant first
// (any Kafka Streams or Event Hubs Capture job that copies each record with
// its tenantId as key will do). Records of one tenant on two partitions
// run as two streams, whose findings are each right for its records but
// split the tenant's groups.
//
// # State, offsets and delivery
//
// The owner of input partition p keeps its state (every tenant's stream:
// open windows, watermark, counts) and saves it on partition p of a state
// topic, in the same Kafka transaction as the findings that its records
// made and the group's offsets of those records. So output, state and
// offsets commit together, or not at all: a member killed with SIGKILL
// loses nothing, and repeats nothing, since its partitions resume, on
// whichever member takes them on, from the last commit. A member that
// takes a partition on reads its last committed snapshot, after waiting
// for a dead member's open transaction to end (the cluster aborts it
// after the transaction timeout, 10 s). On a rebalance the open
// transaction aborts and every member goes back to its last commit.
//
// Delivery is therefore exactly once for a consumer of the output topic
// that reads committed (isolation.level=read_committed); one that reads
// uncommitted can see the findings of aborted transactions again when
// they are redone. Each finding carries a deterministic id (FindingID) in
// its header finding_id, so such a consumer can drop the repeats.
//
// Where the cluster has no transactions, Config.Delivery AtLeastOnce
// writes the findings, waits until the cluster has them, then saves the
// state, then commits the offsets, and a rebalance waits for that
// commit. A member that dies in between leaves a state no older than the
// findings written: its successor reads again the records after that
// state, and writes again the findings they close, with the same
// finding_id, for a consumer to drop. Nothing is lost: a state is saved
// only after the findings it has closed are written, and a member that
// takes a partition on reads from the state's offset, not the group's
// when the two differ.
//
// Azure Event Hubs supports Kafka transactions only in its Premium and
// Dedicated tiers (in preview, as Microsoft's Event Hubs Kafka
// documentation says; not verified here against a namespace). On Basic
// and Standard a transactional producer is refused, so run those with
// AtLeastOnce (kafkadetect -delivery at-least-once). Event Hubs also
// needs TLS and SASL PLAIN with the connection string (see
// ParseEventHubs), and caps a message at 1 MB, which the state chunks
// respect.
//
// # Commits
//
// A transaction gathers the records of CommitInterval (500 ms by
// default) before it commits. The wall clock decides only when results
// are written, never which: the findings are those of the records, in
// event time. A partition's snapshot is written whole at each commit in
// which its partition was read, in 512 KiB messages, so the state topic
// should be log-compacted (the runner creates it so); its size is that
// of the open windows of the partition's tenants.
package kafka
