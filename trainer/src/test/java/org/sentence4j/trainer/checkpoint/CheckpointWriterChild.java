package org.sentence4j.trainer.checkpoint;

import java.nio.file.Path;

/**
 * Run in a separate JVM by {@link CheckpointManagerTest}: starts writing a checkpoint and stalls after one part,
 * announcing it on stdout, so that the test can kill the process in the middle of the write.
 *
 * <p>Arguments: output folder, step, part to stall after, the tiny model's folder.
 */
public final class CheckpointWriterChild {

    private CheckpointWriterChild() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        long step = Long.parseLong(args[1]);
        String stallAfter = args[2];
        CheckpointFixtures.Parts p = CheckpointFixtures.parts(Path.of(args[3]), step, step);
        CheckpointManager manager = new CheckpointManager(out, 3, part -> {
            System.out.println("WROTE " + part);
            System.out.flush();
            if (part.equals(stallAfter)) {
                System.out.println("STALLED " + part);
                System.out.flush();
                try {
                    Thread.sleep(600_000); // killed long before this ends
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        manager.save(step, p.model(), p.optimizer(), p.loss(), p.state());
        System.out.println("SAVED");
        System.out.flush();
    }
}
