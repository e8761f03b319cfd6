/**
 * What a training run leaves next to the model: a generated model card ({@link org.sentence4j.trainer.card.ModelCard},
 * from {@link org.sentence4j.trainer.card.ModelCardData}) in the layout of sentence-transformers' cards, and a PNG plot
 * of the training loss and evaluation metrics over steps ({@link org.sentence4j.trainer.card.TrainingPlot}).
 */
package org.sentence4j.trainer.card;
