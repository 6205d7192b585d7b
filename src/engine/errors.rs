//! Kafka's protocol error codes that the simulation can return, with their real names.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ErrorCode {
    OffsetOutOfRange,
    UnknownTopicOrPartition,
    NotLeaderOrFollower,
    RequestTimedOut,
    NotEnoughReplicas,
    NotEnoughReplicasAfterAppend,
    OutOfOrderSequenceNumber,
    InvalidProducerEpoch,
    InvalidRecord,
    /// A record batch larger than the topic's `max.message.bytes` (Kafka's
    /// `RecordTooLargeException`).
    MessageTooLarge,
    /// Client side: `send()` refused a record larger than `max.request.size` or
    /// `buffer.memory` (`RecordTooLargeException`).
    RecordTooLarge,
    /// Client side: `send()` waited `max.block.ms` for room in `buffer.memory`
    /// (`BufferExhaustedException`, a `TimeoutException`).
    BufferExhausted,
    /// Client side: the delivery timeout expired before the record was acknowledged.
    DeliveryTimeout,
    /// Client side: the connection to the broker failed or the request was dropped.
    NetworkException,
    CoordinatorNotAvailable,
    NotCoordinator,
    IllegalGeneration,
    UnknownMemberId,
    RebalanceInProgress,
    MemberIdRequired,
}

impl ErrorCode {
    /// Whether the Java producer retries a batch that failed with this error.
    pub fn is_retriable(self) -> bool {
        matches!(
            self,
            ErrorCode::NotLeaderOrFollower
                | ErrorCode::RequestTimedOut
                | ErrorCode::NotEnoughReplicas
                | ErrorCode::NotEnoughReplicasAfterAppend
                | ErrorCode::NetworkException
                | ErrorCode::UnknownTopicOrPartition
                | ErrorCode::CoordinatorNotAvailable
                | ErrorCode::NotCoordinator
        )
    }

    /// The name Kafka's logs and docs use.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::OffsetOutOfRange => "OFFSET_OUT_OF_RANGE",
            ErrorCode::UnknownTopicOrPartition => "UNKNOWN_TOPIC_OR_PARTITION",
            ErrorCode::NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            ErrorCode::RequestTimedOut => "REQUEST_TIMED_OUT",
            ErrorCode::NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            ErrorCode::NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            ErrorCode::OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER",
            ErrorCode::InvalidProducerEpoch => "INVALID_PRODUCER_EPOCH",
            ErrorCode::InvalidRecord => "INVALID_RECORD",
            ErrorCode::MessageTooLarge => "MESSAGE_TOO_LARGE (RecordTooLargeException)",
            ErrorCode::RecordTooLarge => "RecordTooLargeException",
            ErrorCode::BufferExhausted => "BufferExhaustedException (TimeoutException)",
            ErrorCode::DeliveryTimeout => "DELIVERY_TIMEOUT (TimeoutException)",
            ErrorCode::NetworkException => "NETWORK_EXCEPTION",
            ErrorCode::CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            ErrorCode::NotCoordinator => "NOT_COORDINATOR",
            ErrorCode::IllegalGeneration => "ILLEGAL_GENERATION",
            ErrorCode::UnknownMemberId => "UNKNOWN_MEMBER_ID",
            ErrorCode::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            ErrorCode::MemberIdRequired => "MEMBER_ID_REQUIRED",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
