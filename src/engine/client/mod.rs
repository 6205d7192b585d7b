//! The clients: the producer and the consumer, each as the Java client behaves.

pub mod consumer;
pub mod metadata;
pub mod producer;
