//! The README's Rust example: `cargo run -p ironlearn --example readme`.

use ironlearn::prelude::*;

fn main() -> Result<()> {
    // The bundled data, found from any working directory.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/diabetes.csv");
    let (x, y) = read_table(path, &ReadOptions::default())?.split_off("progression")?;
    let y = Target::Values(target_values(&y)?);
    // Ridge with the preprocessing this table needs (imputation, scaling), fitted by column name.
    let ridge = Box::new(Ridge { alpha: 1.0, ..Default::default() });
    let model = auto_pipeline(find("ridge")?, ridge, &x.schema())?.fit_data(Features::Table(&x), Some(&y), None)?;
    // The file keeps the feature names and the target, so `ironlearn predict` matches columns by name.
    let file = ModelFile::from_model(model.as_ref())?.with_schema(x.schema()).with_target_name("progression");
    let out = std::env::temp_dir().join("ridge.model");
    file.save(&out)?;
    let loaded = load(&out)?;
    let Prediction::Values(p) = loaded.model.predict_data(Features::Table(&x))? else { unreachable!("a regressor") };
    println!("saved {} ({} features); first prediction {:.1}", out.display(), loaded.header.schema.len(), p[0]);
    Ok(())
}
