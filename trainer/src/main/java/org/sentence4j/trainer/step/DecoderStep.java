package org.sentence4j.trainer.step;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sentence4j.graphs.bert.BertConfig;
import org.sentence4j.graphs.bert.BertEncoder;
import org.sentence4j.graphs.bert.DropoutMasks;
import org.sentence4j.graphs.eager.Arena;
import org.sentence4j.graphs.eager.EagerDecoder;
import org.sentence4j.graphs.eager.EagerEncoder;
import org.sentence4j.graphs.io.SafeTensors;
import org.sentence4j.graphs.io.SentenceTransformerFolder;
import org.sentence4j.graphs.text.TokenBatch;
import org.sentence4j.losses.DecoderLoss;
import org.sentence4j.losses.LossInputException;

/**
 * The training step of a {@link DecoderLoss} (TSDAE): the encoder embeds the damaged column (dropout, kept),
 * the decoder ({@link EagerDecoder}) reconstructs the original column's ids from that embedding, the
 * cross-entropy is the loss, and the decoder's gradient with respect to the embedding goes back through the
 * encoder.
 *
 * <p>Parameters: with tying the decoder reads the encoder's live arrays and adds its gradients into the
 * encoder's gradient tensors (so the word-embedding gradient collects the encoder input, the decoder input and
 * the LM head: dense); its own (decoder-only) parameters are kept here under their {@code BertLMHeadModel}
 * state-dict names. Untied, the whole decoder (its BERT under {@code bert.}) is kept here, loaded from the
 * decoder folder. {@link TrainingGraph} exposes them as {@code loss/decoder.<name>}.
 */
final class DecoderStep {

    /** BERT's [PAD] id: labels equal to it are ignored (upstream's {@code ignore_index = pad_token_id}). */
    static final long PAD_ID = 0;

    private final BertEncoder encoder;
    private final DecoderLoss loss;
    private final String name;
    private final BertConfig decoderConfig;
    private final Map<String, INDArray> own = new LinkedHashMap<>();
    private final Map<String, INDArray> ownGrads = new LinkedHashMap<>();
    private final EagerDecoder decoder;
    private Map<String, INDArray> encoderGradients;
    private final Arena maskBuffers = new Arena(DataType.FLOAT);

    DecoderStep(BertEncoder encoder, DecoderLoss loss, String name, int columns) {
        this.encoder = encoder;
        this.loss = loss;
        this.name = name;
        if (columns != 2) {
            throw new LossInputException(loss.name() + " takes (damaged_sentence, original_sentence) pairs: 2 text columns,"
                    + " but the dataset has " + columns + ". For a file of single sentences, make the pairs with"
                    + " DenoisingAutoEncoderDataset (the trainer does so by itself for a one-column dataset).");
        }
        BertConfig ec = encoder.config();
        DataType dt = encoder.dataType();
        if (ec.architecture() != org.sentence4j.graphs.bert.EncoderArchitecture.BERT) {
            // upstream loads <Architecture>ForCausalLM as the decoder; only BERT's (BertLMHeadModel) exists here
            throw new LossInputException(loss.name() + "'s decoder is implemented for BERT encoders only; this model is a "
                    + ec.architecture().modelClass() + " (sentence-transformers would build its "
                    + ec.architecture().modelClass().replace("Model", "ForCausalLM") + " as the decoder)");
        }
        if (loss.tieEncoderDecoder()) {
            decoderConfig = ec;
            own.putAll(EagerDecoder.initDecoderOnly(ec, 0.02, loss.initSeed(), dt));
            this.decoder = new EagerDecoder(ec, this::encoderParameter, own::get, PAD_ID, dt);
        } else {
            Path folder = Path.of(loss.decoderNameOrPath());
            try {
                decoderConfig = loadUntied(folder, ec, dt);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the decoder folder " + folder, e);
            }
            this.decoder = new EagerDecoder(decoderConfig, n -> own.get(EagerDecoder.BASE_PREFIX + n), own::get, PAD_ID, dt);
        }
        own.forEach((k, v) -> ownGrads.put(k, v.ulike().assign(0)));
    }

    /** Loads an untied decoder's BERT and, when present, its LM head; the rest is initialised as transformers does. */
    private BertConfig loadUntied(Path folder, BertConfig ec, DataType dt) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new LossInputException(loss.name() + ": decoder_name_or_path '" + folder + "' is not a model folder.");
        }
        BertConfig dc;
        try {
            dc = SentenceTransformerFolder.readBertConfig(folder.resolve("config.json"));
        } catch (IOException | RuntimeException e) {
            throw new LossInputException(loss.name() + ": the decoder must be a BERT model: " + e.getMessage());
        }
        if (dc.hiddenSize() != ec.hiddenSize()) {
            throw new LossInputException(loss.name() + ": the decoder's hidden size " + dc.hiddenSize()
                    + " differs from the encoder's " + ec.hiddenSize() + "; they must match (the sentence embedding is its memory).");
        }
        if (dc.vocabSize() != ec.vocabSize()) {
            throw new LossInputException(loss.name() + ": the decoder's vocabulary (" + dc.vocabSize() + ") differs from the"
                    + " encoder's (" + ec.vocabSize() + "); re-tokenizing the targets for another tokenizer is not supported.");
        }
        Path weights = folder.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) {
            throw new LossInputException(loss.name() + ": no model.safetensors in the decoder folder " + folder);
        }
        Map<String, INDArray> stored = SafeTensors.read(weights);
        double range = 0.02;
        com.fasterxml.jackson.databind.JsonNode cfg = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(folder.resolve("config.json").toFile());
        if (cfg.has("initializer_range")) {
            range = cfg.get("initializer_range").asDouble();
        }
        for (String n : EagerDecoder.baseNames(dc)) {
            INDArray w = stored.containsKey(n) ? stored.get(n) : stored.get(EagerDecoder.BASE_PREFIX + n);
            if (w == null) {
                throw new LossInputException(loss.name() + ": the decoder folder " + folder + " has no tensor '" + n + "'.");
            }
            own.put(EagerDecoder.BASE_PREFIX + n, w.castTo(dt).dup('c'));
        }
        Map<String, INDArray> fresh = EagerDecoder.initDecoderOnly(dc, range, loss.initSeed(), dt);
        fresh.forEach((k, v) -> own.put(k, stored.containsKey(k) ? stored.get(k).castTo(dt).dup('c') : v));
        return dc;
    }

    private INDArray encoderParameter(String hfName) {
        return encoder.sameDiff().getArrForVarName(encoder.variableName(hfName));
    }

    /** The decoder's own parameters by state-dict name (live arrays). */
    Map<String, INDArray> parameters() {
        return own;
    }

    EagerDecoder decoder() {
        return decoder;
    }

    StepResult step(List<TokenBatch> columns, long dropoutSeed, boolean dropout) {
        EagerEncoder eager = encoder.eager();
        BertConfig ec = encoder.config();
        int numLayers = ec.numHiddenLayers();
        TokenBatch damaged = columns.get(loss.encoderColumn());
        TokenBatch original = columns.get(loss.targetColumn());
        if (damaged.batchSize() != original.batchSize()) {
            throw new LossInputException(loss.name() + ": the damaged and original columns have " + damaged.batchSize()
                    + " and " + original.batchSize() + " rows.");
        }
        DropoutMasks masks = !dropout ? DropoutMasks.none() : DropoutMasks.sample(ec, numLayers, damaged.batchSize(),
                damaged.sequenceLength(), TrainingGraph.columnSeed(dropoutSeed, 0), encoder.dataType(),
                (site, shape) -> maskBuffers.get("enc/" + site, shape));
        EagerEncoder.Pass pass = eager.forward(name + "/column0", damaged, numLayers, masks, true, false);
        encoderGradients = TrainingGraph.zeroed(encoderGradients, eager);
        Decoded d = decode(original, pass.sentenceEmbedding(), dropoutSeed, dropout, encoderGradients);
        eager.backward(pass, d.dMemory(), List.of(), encoderGradients);
        Map<String, INDArray> named = new LinkedHashMap<>(encoderGradients);
        named.putAll(d.ownGradients());
        return new StepResult(d.loss(), new LinkedHashMap<>(), named);
    }

    /**
     * The decoder's part of a step: the loss of reconstructing {@code original} from the sentence embeddings
     * {@code memory}, the gradient with respect to those embeddings, and the decoder's parameter gradients.
     *
     * @param dMemory       d loss / d memory, [rows, hidden], in the encoder's data type
     * @param ownGradients  the decoder's own parameters' gradients under {@code loss/decoder.<name>} (live arrays,
     *                      overwritten by the next call)
     */
    record Decoded(double loss, INDArray dMemory, Map<String, INDArray> ownGradients) {
    }

    /**
     * Runs the decoder on embeddings computed elsewhere (by {@link #step}, or by the tasks of a distributed step)
     * and back again to the embeddings. With tied weights the decoder's gradients of the shared tensors are added
     * into {@code encoderGradients} (which the caller zeroed).
     */
    Decoded decode(TokenBatch original, INDArray memory, long dropoutSeed, boolean dropout, Map<String, INDArray> encoderGradients) {
        long[][] target = original.inputIds().castTo(DataType.INT64).toLongMatrix();
        int t = target[0].length - 1;
        DropoutMasks decoderMasks = dropout && (decoderConfig.hiddenDropoutProb() > 0 || decoderConfig.attentionDropoutProb() > 0)
                ? DropoutMasks.sampleDecoder(decoderConfig, decoderConfig.numHiddenLayers(), target.length, t, 1,
                        TrainingGraph.columnSeed(dropoutSeed, 1), encoder.dataType())
                : DropoutMasks.none();
        EagerDecoder.Pass dp = decoder.forwardShifted(target, memory, decoderMasks);
        ownGrads.values().forEach(a -> a.assign(0));
        Map<String, INDArray> baseGrads = encoderGradients;
        if (!loss.tieEncoderDecoder()) {
            baseGrads = new LinkedHashMap<>();
            for (String n : EagerDecoder.baseNames(decoderConfig)) {
                baseGrads.put(n, ownGrads.get(EagerDecoder.BASE_PREFIX + n));
            }
        }
        INDArray dMemory = decoder.backward(dp, baseGrads, ownGrads).castTo(encoder.dataType());
        Map<String, INDArray> own = new LinkedHashMap<>();
        ownGrads.forEach((k, v) -> own.put(TrainingGraph.LOSS_PARAMETER_PREFIX + DecoderLoss.DECODER_PREFIX + k, v));
        return new Decoded(dp.loss(), dMemory, own);
    }
}
