package org.servicerecovery.loyalty;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.servicerecovery.loyalty.domain.ScoringEngine;
import org.servicerecovery.loyalty.domain.WeightsFile;

/** The engine with the shipped weights, or with a mounted file; an invalid file stops the start with its reason. */
public class ScoringConfiguration {

    private static final Logger LOG = Logger.getLogger(ScoringConfiguration.class);

    @Produces
    @Singleton
    ScoringEngine engine(@ConfigProperty(name = "scoring.weights-file") Optional<String> file) throws IOException {
        Optional<Path> mounted = file.filter(name -> !name.isBlank()).map(Path::of);
        try (InputStream in = mounted.isPresent() ? Files.newInputStream(mounted.get())
                : ScoringConfiguration.class.getResourceAsStream("/scoring/weights.yaml")) {
            ScoringEngine engine = new ScoringEngine(WeightsFile.parse(in));
            LOG.infof("Scoring with weights version %d from %s", engine.weights().version(),
                    mounted.map(Path::toString).orElse("the shipped file"));
            return engine;
        }
    }
}
