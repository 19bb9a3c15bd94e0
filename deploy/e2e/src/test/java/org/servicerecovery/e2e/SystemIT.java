package org.servicerecovery.e2e;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * {@link StoryIT}, {@link ConsoleBrowserIT} and {@link ChartIT} in one test JVM, on one {@link RunningSystem}: the
 * eight service JVMs boot once for all three. Failsafe runs this suite in place of the three classes (see the pom);
 * {@code -Dit.test=StoryIT} still runs one alone.
 */
@Suite
@SelectClasses({StoryIT.class, ConsoleBrowserIT.class, ChartIT.class})
class SystemIT {
}
