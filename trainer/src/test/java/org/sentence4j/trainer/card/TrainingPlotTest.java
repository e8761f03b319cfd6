package org.sentence4j.trainer.card;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sentence4j.trainer.LogEntry;

class TrainingPlotTest {

    @Test
    void writesAValidPngOfTheExpectedSize(@TempDir Path dir) throws Exception {
        Path png = Path.of(System.getProperty("plot.out", dir.resolve("plots/training.png").toString()));
        assertEquals(png, TrainingPlot.write(ModelCardTest.sampleLog(), png));
        assertTrue(Files.size(png) > 1000);
        BufferedImage img = ImageIO.read(png.toFile());
        assertNotNull(img, "not a readable PNG");
        assertEquals(1000, img.getWidth());
        assertEquals(600, img.getHeight());
        byte[] head = Files.readAllBytes(png);
        assertEquals((byte) 0x89, head[0]);
        assertEquals("PNG", new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        try (var files = Files.list(png.getParent())) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
    }

    @Test
    void hasALossPanelAndAMetricsPanel() {
        JFreeChart chart = TrainingPlot.chart(ModelCardTest.sampleLog());
        CombinedDomainXYPlot plot = (CombinedDomainXYPlot) chart.getPlot();
        assertEquals(2, plot.getSubplots().size());
        // loss + 2 components; 2 metrics
        assertEquals(3, plot.getSubplots().get(0).getDataset().getSeriesCount());
        assertEquals(2, plot.getSubplots().get(1).getDataset().getSeriesCount());
        assertEquals(10, plot.getSubplots().get(0).getDataset().getItemCount(0), "NaN evaluation rows are skipped");
        assertEquals(2, plot.getSubplots().get(1).getDataset().getItemCount(0));
    }

    @Test
    void drawsLogsWithoutMetricsOrEmpty(@TempDir Path dir) throws Exception {
        List<LogEntry> lossOnly = List.of(new LogEntry(1, 0.1, 1.0, Map.of(), 1e-5, Map.of()),
                new LogEntry(2, 0.2, 0.8, Map.of(), 1e-5, Map.of()));
        assertEquals(1, ((CombinedDomainXYPlot) TrainingPlot.chart(lossOnly).getPlot()).getSubplots().size());
        Path a = TrainingPlot.write(lossOnly, dir.resolve("a.png"), 640, 480);
        BufferedImage img = ImageIO.read(a.toFile());
        assertEquals(640, img.getWidth());
        assertEquals(480, img.getHeight());
        assertNotNull(ImageIO.read(TrainingPlot.write(List.of(), dir.resolve("empty.png")).toFile()));
    }
}
