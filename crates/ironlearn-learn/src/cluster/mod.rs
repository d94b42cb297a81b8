mod kmeans;

pub use kmeans::{KMeans, KMeansModel};
