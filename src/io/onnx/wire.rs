//! A look at an ONNX file's protobuf wire format before it is decoded: how many nodes and
//! other entries (weights, inputs, outputs, value infos) its graph lists. Decoding makes a
//! struct of about 200 bytes of each, however small it is in the file (an empty node is 2
//! bytes), so a graph of millions of entries is refused from this count, before any of it is
//! allocated.

/// The wire types of protobuf's encoding.
const VARINT: u64 = 0;
const FIXED64: u64 = 1;
const LENGTH: u64 = 2;
const FIXED32: u64 = 5;

/// `ModelProto.graph`, and the fields of `GraphProto` that repeat a message.
const MODEL_GRAPH: u64 = 7;
const GRAPH_NODE: u64 = 1;
/// initializer, sparse_initializer, input, output, value_info, quantization_annotation.
const GRAPH_ENTRIES: [u64; 6] = [5, 15, 11, 12, 13, 14];
/// `NodeProto.attribute`, and `AttributeProto`'s graph fields (`g`, `graphs`).
const NODE_ATTRIBUTE: u64 = 5;
const ATTRIBUTE_GRAPHS: [u64; 2] = [6, 11];

/// What the graph lists.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(super) struct GraphCounts {
    pub nodes: usize,
    /// Weights, inputs, outputs, value infos and annotations together.
    pub entries: usize,
    /// The fields of all nodes together (each input and output name, each attribute...).
    pub node_fields: usize,
    /// Nodes with a graph in an attribute (If, Loop, Scan): not counted, not decoded.
    pub subgraphs: usize,
}

/// The counts of the model's graph (of all its graph fields, which protobuf merges); `None`
/// when the bytes are not well-formed protobuf (the decoder then says why).
pub(super) fn graph_counts(model: &[u8]) -> Option<GraphCounts> {
    let mut counts = GraphCounts::default();
    for field in Fields(model) {
        let (number, payload) = field?;
        if number == MODEL_GRAPH
            && let Payload::Bytes(graph) = payload
        {
            for entry in Fields(graph) {
                let (number, payload) = entry?;
                if number == GRAPH_NODE {
                    counts.nodes += 1;
                    if let Payload::Bytes(node) = payload {
                        count_node(node, &mut counts)?;
                    }
                } else if GRAPH_ENTRIES.contains(&number) {
                    counts.entries += 1;
                }
            }
        }
    }
    Some(counts)
}

/// Adds a node's fields to `counts`, and whether one of its attributes holds a graph.
fn count_node(node: &[u8], counts: &mut GraphCounts) -> Option<()> {
    let mut subgraph = false;
    for field in Fields(node) {
        let (number, payload) = field?;
        counts.node_fields += 1;
        if number == NODE_ATTRIBUTE
            && let Payload::Bytes(attribute) = payload
        {
            for inner in Fields(attribute) {
                let (number, _) = inner?;
                subgraph |= ATTRIBUTE_GRAPHS.contains(&number);
            }
        }
    }
    counts.subgraphs += usize::from(subgraph);
    Some(())
}

enum Payload<'a> {
    Scalar,
    Bytes(&'a [u8]),
}

/// The fields of one message: each field's number and payload, `None` at the first thing
/// that is not well-formed (and then nothing more).
struct Fields<'a>(&'a [u8]);

impl<'a> Iterator for Fields<'a> {
    type Item = Option<(u64, Payload<'a>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.0.is_empty() {
            return None;
        }
        let field = self.field();
        if field.is_none() {
            self.0 = &[];
        }
        Some(field)
    }
}

impl<'a> Fields<'a> {
    fn field(&mut self) -> Option<(u64, Payload<'a>)> {
        let key = self.varint()?;
        let payload = match key & 7 {
            VARINT => self.varint().map(|_| Payload::Scalar)?,
            FIXED64 => self.skip(8).map(|_| Payload::Scalar)?,
            FIXED32 => self.skip(4).map(|_| Payload::Scalar)?,
            LENGTH => {
                let len = usize::try_from(self.varint()?).ok()?;
                Payload::Bytes(self.skip(len)?)
            }
            _ => return None,
        };
        Some((key >> 3, payload))
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for (i, &byte) in self.0.iter().enumerate().take(10) {
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                self.0 = &self.0[i + 1..];
                return Some(value);
            }
        }
        None
    }

    fn skip(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::onnx::proto::{AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto};
    use prost::Message;

    #[test]
    fn counts_what_the_decoder_would_make() {
        let model = ModelProto {
            ir_version: Some(8),
            graph: Some(GraphProto {
                node: vec![NodeProto::default(); 5],
                initializer: vec![TensorProto::default(); 3],
                name: Some("g".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let bytes = model.encode_to_vec();
        assert_eq!(
            graph_counts(&bytes),
            Some(GraphCounts {
                nodes: 5,
                entries: 3,
                node_fields: 0,
                subgraphs: 0,
            })
        );
        // A node's names and attributes count; a graph in an attribute is found.
        let node = NodeProto {
            input: vec!["a".into(), "b".into()],
            output: vec!["c".into()],
            attribute: vec![AttributeProto {
                g: Some(GraphProto::default()),
                ..Default::default()
            }],
            ..Default::default()
        };
        let model = ModelProto {
            graph: Some(GraphProto {
                node: vec![node],
                ..Default::default()
            }),
            ..Default::default()
        };
        let counts = graph_counts(&model.encode_to_vec()).expect("well-formed");
        assert_eq!((counts.node_fields, counts.subgraphs), (4, 1));
        // Cut short: not well-formed, left to the decoder to refuse.
        assert_eq!(graph_counts(&bytes[..bytes.len() - 1]), None);
        assert_eq!(graph_counts(&[0xff; 11]), None);
        assert_eq!(graph_counts(&[]), Some(GraphCounts::default()));
    }
}
