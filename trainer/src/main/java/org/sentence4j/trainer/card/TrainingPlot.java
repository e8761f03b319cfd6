package org.sentence4j.trainer.card;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.sentence4j.trainer.LogEntry;

/**
 * Draws a training log as a PNG: the training loss and its components over steps in the upper panel, each
 * evaluation metric over steps in the lower one (a panel without data is left out). Drawn with JFreeChart
 * in headless mode, so it works on servers without a display.
 */
public final class TrainingPlot {

    public static final int DEFAULT_WIDTH = 1000;
    public static final int DEFAULT_HEIGHT = 600;

    /** Below this many points a series also draws its points, so sparse evaluations stay visible. */
    private static final int SHAPES_BELOW = 60;
    private static final String TOTAL = "training loss";
    /** Distinct colours readable on white (the default palette's yellow is not); continued across panels. */
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0xbcbd22), new Color(0x7f7f7f)};

    static {
        // must be set before the first AWT class initialises; a training server has no display
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private TrainingPlot() {
    }

    /** Writes the plot as a {@value #DEFAULT_WIDTH}×{@value #DEFAULT_HEIGHT} PNG (atomically) and returns the path. */
    public static Path write(List<LogEntry> log, Path png) throws IOException {
        return write(log, png, DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /** Writes the plot as a PNG of the given size through a temporary file and a rename. */
    public static Path write(List<LogEntry> log, Path png, int width, int height) throws IOException {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("plot size must be positive, not " + width + "x" + height);
        }
        JFreeChart chart = chart(log);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(out, chart, width, height);
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ModelCard.writeAtomically(out.toByteArray(), png);
        return png;
    }

    /** The chart itself (e.g. to show it in a window or render it elsewhere). */
    public static JFreeChart chart(List<LogEntry> log) {
        XYSeriesCollection losses = new XYSeriesCollection();
        XYSeriesCollection metrics = new XYSeriesCollection();
        // keyed by name so the legend order is stable (LogEntry maps have no order)
        XYSeries loss = new XYSeries(TOTAL, true, false);
        Map<String, XYSeries> components = new TreeMap<>();
        Map<String, XYSeries> metricSeries = new TreeMap<>();
        for (LogEntry e : log) {
            addPoint(loss, e.step(), e.loss());
            e.components().forEach((k, v) ->
                    addPoint(components.computeIfAbsent(k, n -> new XYSeries(n.equals(TOTAL) ? n + " (component)" : n, true, false)),
                            e.step(), v));
            e.metrics().forEach((k, v) ->
                    addPoint(metricSeries.computeIfAbsent(k, n -> new XYSeries(n, true, false)), e.step(), v));
        }
        if (loss.getItemCount() > 0) {
            losses.addSeries(loss);
        }
        components.values().stream().filter(s -> s.getItemCount() > 0).forEach(losses::addSeries);
        metricSeries.values().stream().filter(s -> s.getItemCount() > 0).forEach(metrics::addSeries);

        NumberAxis stepAxis = new NumberAxis("Step");
        stepAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(stepAxis);
        plot.setGap(12);
        if (losses.getSeriesCount() > 0 || metrics.getSeriesCount() == 0) {
            plot.add(panel(losses, "Training loss", 0), 1);
        }
        if (metrics.getSeriesCount() > 0) {
            plot.add(panel(metrics, "Evaluation", losses.getSeriesCount()), 1);
        }
        JFreeChart chart = new JFreeChart("Training loss and evaluation metrics", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static void addPoint(XYSeries series, long step, Double value) {
        // NaN marks "no value" (evaluation-only rows, undefined metrics): leave a gap rather than a bogus point
        if (value != null && Double.isFinite(value)) {
            series.add(step, value);
        }
    }

    private static XYPlot panel(XYSeriesCollection data, String label, int firstColour) {
        NumberAxis valueAxis = new NumberAxis(label);
        valueAxis.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesShapesVisible(i, data.getSeries(i).getItemCount() < SHAPES_BELOW);
            renderer.setSeriesPaint(i, PALETTE[(firstColour + i) % PALETTE.length]);
            renderer.setSeriesStroke(i, new BasicStroke(i == 0 && "Training loss".equals(label) ? 2.2f : 1.4f));
        }
        XYPlot p = new XYPlot(data, null, valueAxis, renderer);
        p.setBackgroundPaint(Color.WHITE);
        p.setDomainGridlinePaint(Color.LIGHT_GRAY);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        p.setNoDataMessage("no data");
        return p;
    }
}
