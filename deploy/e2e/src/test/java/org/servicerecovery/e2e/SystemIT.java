package org.servicerecovery.e2e;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * {@link StoryIT} and {@link ConsoleBrowserIT} in one test JVM, on one {@link RunningSystem}: the eight service
 * JVMs boot once for both. Failsafe runs this suite in place of the two classes (see the pom);
 * {@code -Dit.test=StoryIT} still runs one alone.
 */
@Suite
@SelectClasses({StoryIT.class, ConsoleBrowserIT.class})
class SystemIT {
}
