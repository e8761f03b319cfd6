package org.sentence4j.trainer.step;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sentence4j.graphs.SentenceEmbedder;
import org.sentence4j.graphs.SentenceEncoder;
import org.sentence4j.graphs.text.TokenBatch;
import org.sentence4j.losses.DecoderLoss;
import org.sentence4j.losses.LabelKind;
import org.sentence4j.losses.LossInputException;
import org.sentence4j.losses.SentenceLoss;
import org.sentence4j.losses.unsupervised.ContrastiveTensionDataLoader;
import org.sentence4j.losses.unsupervised.ContrastiveTensionLoss;
import org.sentence4j.trainer.data.Dataset;
import org.sentence4j.trainer.data.tsdae.DenoisingAutoEncoderDataset;

/**
 * One training dataset's loss on the model: from rows of the dataset to a forward and backward pass. It
 * tokenizes every input column with the model's tokenizer, gathers the labels, embeds the columns with the
 * guide model when the loss asks for one, and runs the {@link TrainingGraph}.
 *
 * <p>Two losses of the loss table take a file of single sentences although their fragment needs pairs; their
 * pairs are made here, from the batch's sentences, so that they change with every batch and epoch:
 * <ul>
 * <li>DenoisingAutoEncoderLoss: (damaged, original) with TSDAE's deletion noise
 * ({@link DenoisingAutoEncoderDataset}), a pure function of (run seed, epoch, row);</li>
 * <li>ContrastiveTensionLoss: as {@code ContrastiveTensionDataLoader}, every {@value #POS_NEG_RATIO}th pair is
 * a sentence with itself (label 1), the others a sentence with the next one of the batch (label 0).</li>
 * </ul>
 *
 * <p>This is the whole of what the trainer does for a micro-batch before the optimizer; it is a class of its
 * own so that the reference checks against sentence-transformers (the model-step fixtures) run the very code
 * that training runs, as the Python trainer's {@code training_step} is what those fixtures record.
 */
public final class DatasetStep {

    /** {@code pos_neg_ratio} of ContrastiveTensionLoss's pairs from single sentences (upstream's default). */
    public static final int POS_NEG_RATIO = ContrastiveTensionDataLoader.DEFAULT_POS_NEG_RATIO;

    private final SentenceEncoder model;
    private final Dataset dataset;
    private final TrainingGraph graph;
    private final SentenceEmbedder guide;
    /** How a single-sentence dataset becomes the loss's pairs, or NONE when the dataset's columns are used as they are. */
    private final Pairing pairing;
    private final DenoisingAutoEncoderDataset noise;
    /** Text put before each input of a column, by the dataset's column name (absent: none). */
    private Map<String, String> prompts = Map.of();

    private enum Pairing { NONE, DENOISING, CONTRASTIVE_TENSION }

    /**
     * @param model   the model being trained (its tokenizer and encoder)
     * @param dataset the training dataset; its column count and label kind shape the loss's inputs
     * @param loss    the loss trained on this dataset
     * @param guide   the frozen guide model for losses that use one (GIST), else may be {@code null}
     * @param name    a name for messages (e.g. {@code train/<dataset>})
     */
    public DatasetStep(SentenceEncoder model, Dataset dataset, SentenceLoss loss, SentenceEmbedder guide, String name) {
        this(model, dataset, loss, guide, name, 42L);
    }

    /**
     * @param seed the run seed: TSDAE's noise of a row in an epoch is drawn from it
     */
    public DatasetStep(SentenceEncoder model, Dataset dataset, SentenceLoss loss, SentenceEmbedder guide, String name, long seed) {
        this.model = model;
        this.dataset = dataset;
        this.guide = guide;
        this.pairing = pairing(dataset, loss);
        this.noise = pairing == Pairing.DENOISING ? DenoisingAutoEncoderDataset.of(dataset, seed) : null;
        long[] labelShape = pairing == Pairing.CONTRASTIVE_TENSION ? new long[] {-1}
                : !dataset.hasLabels() ? null
                : dataset.labelKind() == LabelKind.VECTOR ? new long[] {-1, dataset.labelWidth()} : new long[] {-1};
        int columns = pairing == Pairing.NONE ? dataset.columns().size() : 2;
        int guideWidth = loss.usesGuideEmbeddings() ? guideWidth(guide) : 0;
        this.graph = new TrainingGraph(model.encoder(), loss, name, columns, labelShape, guideWidth);
    }

    /**
     * Held-out rows through an existing training computation (its loss and trained parameters): for the
     * evaluation loss. The dataset must have the training dataset's format.
     */
    public DatasetStep(SentenceEncoder model, Dataset heldOut, TrainingGraph training, SentenceEmbedder guide, long seed) {
        this.model = model;
        this.dataset = heldOut;
        this.guide = guide;
        this.graph = training;
        this.pairing = pairing(heldOut, training.loss());
        this.noise = pairing == Pairing.DENOISING ? DenoisingAutoEncoderDataset.of(heldOut, seed) : null;
        int columns = pairing == Pairing.NONE ? heldOut.columns().size() : 2;
        if (columns != training.columns()) {
            throw new LossInputException("the evaluation dataset '" + heldOut.name() + "' has " + heldOut.columns().size()
                    + " text column(s) " + heldOut.columns() + ", the training computation takes " + training.columns() + ".");
        }
    }

    /**
     * How the loss's columns come from the dataset: a one-column dataset without labels is paired for the
     * losses that learn from single sentences although their inputs are pairs (a decoder loss: TSDAE;
     * ContrastiveTensionLoss); anything else is used as it is.
     */
    private static Pairing pairing(Dataset dataset, SentenceLoss loss) {
        if (dataset.columns().size() != 1 || dataset.hasLabels()) {
            return Pairing.NONE;
        }
        return loss instanceof DecoderLoss ? Pairing.DENOISING
                : loss instanceof ContrastiveTensionLoss ? Pairing.CONTRASTIVE_TENSION : Pairing.NONE;
    }

    /**
     * Puts these prompts (by the dataset's column name) before the inputs of their columns, as sentence-transformers'
     * data collator does with the training argument {@code prompts}; returns this step.
     */
    public DatasetStep withPrompts(Map<String, String> columnPrompts) {
        for (String c : columnPrompts.keySet()) {
            if (!dataset.columns().contains(c)) {
                throw new LossInputException("a prompt for column '" + c + "', which dataset '" + dataset.name()
                        + "' does not have (its columns: " + dataset.columns() + ")");
            }
        }
        this.prompts = Map.copyOf(columnPrompts);
        return this;
    }

    /** The training computation (its parameters are what the optimizer updates). */
    public TrainingGraph graph() {
        return graph;
    }

    public Dataset dataset() {
        return dataset;
    }

    /**
     * Forward and backward on the given rows of the dataset, in that order.
     *
     * @param rows        row indices of the batch
     * @param dropoutSeed seed of the step's dropout masks
     * @param rng         draws the loss's per-step inputs (sampled Matryoshka dims, layers)
     */
    public StepResult run(int[] rows, long dropoutSeed, Random rng) {
        return run(rows, 0, dropoutSeed, rng);
    }

    /**
     * Forward and backward on the given rows of the dataset, in that order, in training epoch {@code epoch}
     * (which decides TSDAE's noise for a single-sentence dataset).
     */
    public StepResult run(int[] rows, int epoch, long dropoutSeed, Random rng) {
        if (rows.length == 0) {
            throw new LossInputException(graph.loss().name() + " on dataset '" + dataset.name() + "': the batch is empty.");
        }
        List<TokenBatch> columns = tokenize(rows, epoch);
        return graph.step(columns, labels(rows), guideEmbeddings(columns), dropoutSeed, rng);
    }

    /**
     * The loss over the whole dataset in evaluation mode (no dropout), in batches of {@code batchSize} rows in
     * order, averaged over rows: Hugging Face's {@code eval_loss} of a held-out dataset. Single sentences get
     * the pairs of epoch 0 (TSDAE: the same damaged texts at every evaluation, so the values compare).
     */
    public double evaluate(int batchSize) {
        double sum = 0;
        int n = dataset.size();
        for (int start = 0; start < n; start += batchSize) {
            int[] rows = java.util.stream.IntStream.range(start, Math.min(n, start + batchSize)).toArray();
            List<TokenBatch> columns = tokenize(rows, 0);
            sum += graph.evaluate(columns, labels(rows), guideEmbeddings(columns)) * rows.length;
        }
        return sum / n;
    }

    /** The model being trained. */
    public SentenceEncoder model() {
        return model;
    }

    /** The loss's columns of the batch in an epoch through the model's tokenizer (each padded to its longest). */
    public List<TokenBatch> tokenize(int[] rows, int epoch) {
        List<TokenBatch> cols = new ArrayList<>();
        for (List<String> column : texts(rows, epoch)) {
            cols.add(model.tokenizer().tokenize(column));
        }
        return cols;
    }

    /** The texts of the loss's columns for the batch: the dataset's columns, or the pairs made from its sentences. */
    List<List<String>> texts(int[] rows, int epoch) {
        List<List<String>> out = new ArrayList<>();
        switch (pairing) {
            case NONE -> {
                for (int c = 0; c < dataset.columns().size(); c++) {
                    out.add(prompted(dataset.columns().get(c), dataset.texts(c, rows)));
                }
            }
            case DENOISING -> {
                List<String> damaged = new ArrayList<>(rows.length);
                for (int r : rows) {
                    damaged.add(noise.damaged(epoch, r));
                }
                // the prompt is put before the damaged text, not damaged itself
                out.add(prompted(dataset.columns().get(0), damaged));
                out.add(prompted(dataset.columns().get(0), dataset.texts(0, rows)));
            }
            case CONTRASTIVE_TENSION -> {
                List<String> sentences = dataset.texts(0, rows);
                List<String> second = new ArrayList<>(rows.length);
                for (int j = 0; j < rows.length; j++) {
                    second.add(j % POS_NEG_RATIO == 0 ? sentences.get(j) : sentences.get((j + 1) % rows.length));
                }
                out.add(prompted(dataset.columns().get(0), sentences));
                out.add(prompted(dataset.columns().get(0), second));
            }
        }
        return out;
    }

    private List<String> prompted(String column, List<String> texts) {
        String prompt = prompts.get(column);
        if (prompt == null || prompt.isEmpty()) {
            return texts;
        }
        List<String> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(prompt + t);
        }
        return out;
    }

    /** The labels of the batch's rows (for ContrastiveTensionLoss's own pairs: 1 for a sentence with itself), or null. */
    public INDArray labels(int[] rows) {
        if (pairing == Pairing.CONTRASTIVE_TENSION) {
            float[] identical = new float[rows.length];
            for (int j = 0; j < rows.length; j += POS_NEG_RATIO) {
                identical[j] = 1f;
            }
            return Nd4j.createFromArray(identical);
        }
        if (!dataset.hasLabels()) {
            return null;
        }
        if (dataset.labelKind() == LabelKind.VECTOR) {
            return Nd4j.createFromArray(dataset.labelVectors(rows)).castTo(DataType.FLOAT);
        }
        return Nd4j.createFromArray(dataset.labels(rows)).castTo(DataType.FLOAT);
    }

    /**
     * The guide model's embeddings of each column, as sentence-transformers' GIST losses make them: a guide
     * with the model's vocabulary and a length limit no shorter than the model's reads the model's own token
     * ids (so it sees the texts truncated as the model saw them); any other guide model re-tokenizes the
     * texts decoded from the model's ids. A guide that is not a {@link SentenceEncoder} embeds those decoded
     * texts too.
     */
    /** The guide model's embeddings of the batch's columns, or null when the loss uses no guide. */
    public List<INDArray> guideEmbeddings(List<TokenBatch> columns) {
        if (!graph.loss().usesGuideEmbeddings()) {
            return null;
        }
        boolean sameIds = guide instanceof SentenceEncoder g && g.tokenizer().sameVocabulary(model.tokenizer())
                && g.maxSeqLength() >= model.maxSeqLength();
        List<INDArray> out = new ArrayList<>();
        for (TokenBatch column : columns) {
            out.add(sameIds ? ((SentenceEncoder) guide).embed(column) : guide.embed(model.tokenizer().decode(column)));
        }
        return out;
    }

    private static int guideWidth(SentenceEmbedder guide) {
        if (guide == null) {
            throw new LossInputException("a GIST loss needs a guide model: give the trainer one with Builder.guide(...)");
        }
        return (int) guide.embed(List.of("width probe")).size(1);
    }
}
