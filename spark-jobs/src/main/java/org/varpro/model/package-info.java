/**
 * The fitted model of every kind (regression, PDE, classification) and its one versioned file,
 * {@code model.json}: {@link org.varpro.model.FittedModel} predicts (outputs in label units, or
 * class probabilities and the most probable class), {@link org.varpro.model.ModelFile} writes and
 * reads it. Used by {@code train} (which writes it), {@code eval} and the Spark ML models.
 *
 * <p>Depends on core, config, io and spark (the standardization); nothing here imports the jobs.
 */
package org.varpro.model;
