//! A fingerprint of training data, so a model file says what it was trained on.
//!
//! SHA-256 over the values in a fixed order: two runs on the same data give the
//! same fingerprint, any changed value gives another.

use sha2::{Digest, Sha256};

use crate::{ColumnData, Features, Target};

/// Incremental SHA-256 over training inputs.
#[derive(Debug, Default, Clone)]
pub struct Fingerprint(Sha256);

impl Fingerprint {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.0.update((b.len() as u64).to_le_bytes());
        self.0.update(b);
        self
    }

    pub fn f64s(&mut self, v: &[f64]) -> &mut Self {
        self.0.update((v.len() as u64).to_le_bytes());
        // One update per value is slow for millions of rows: hash in blocks.
        let mut buf = Vec::with_capacity(8 * 4096);
        for chunk in v.chunks(4096) {
            buf.clear();
            chunk.iter().for_each(|x| buf.extend_from_slice(&x.to_bits().to_le_bytes()));
            self.0.update(&buf);
        }
        self
    }

    pub fn features(&mut self, x: Features<'_>) -> &mut Self {
        match x {
            Features::Dense(m) => {
                self.bytes(&(m.nrows() as u64).to_le_bytes());
                for col in m.columns() {
                    self.f64s(&col.to_vec());
                }
            }
            Features::DenseF32(m) => {
                self.bytes(&(m.nrows() as u64).to_le_bytes());
                for col in m.columns() {
                    self.f64s(&col.iter().map(|&v| f64::from(v)).collect::<Vec<_>>());
                }
            }
            Features::Sparse(m) => {
                // The dense values, so a matrix hashes the same sparse or dense.
                let d = m.to_dense();
                self.features(Features::Dense(d.view()));
            }
            Features::Table(t) => {
                for c in t.columns() {
                    self.bytes(c.name.as_bytes());
                    match &c.data {
                        ColumnData::Numeric(v) => {
                            self.f64s(v);
                        }
                        ColumnData::Categorical { codes, levels } => {
                            levels.iter().for_each(|l| {
                                self.bytes(l.as_bytes());
                            });
                            let b: Vec<u8> = codes.iter().flat_map(|c| c.to_le_bytes()).collect();
                            self.bytes(&b);
                        }
                    }
                }
            }
        }
        self
    }

    pub fn target(&mut self, y: &Target) -> &mut Self {
        match y {
            Target::Values(v) => self.f64s(v),
            Target::Matrix(m) => {
                self.bytes(&(m.ncols() as u64).to_le_bytes());
                self.f64s(&m.iter().copied().collect::<Vec<_>>())
            }
            Target::Labels(l) => {
                l.classes().iter().for_each(|c| {
                    self.bytes(c.as_bytes());
                });
                let b: Vec<u8> = l.codes().iter().flat_map(|c| c.to_le_bytes()).collect();
                self.bytes(&b)
            }
        }
    }

    /// `sha256:` and the hex digest.
    pub fn finish(self) -> String {
        let digest = self.0.finalize();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }
}
