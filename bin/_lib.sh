# Shared by the scripts in bin/: build what is missing, then run a module's main class.
# Sourced, not executed.

FI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

fi_log() { printf '%s\n' "$*" >&2; }

# Maven for the scripts: no colour codes, and its output on stderr so that stdout stays the program's.
fi_mvn() { mvn -B -q -Dstyle.color=never "$@" >&2; }

# fi_build_if_missing MODULE...: installs MODULE (and what it needs) unless its jar and classpath exist.
fi_build_if_missing() {
    local missing=()
    for module in "$@"; do
        if [[ ! -f "$FI_ROOT/$module/target/classpath.txt" ]] \
            || ! ls "$FI_ROOT/$module"/target/"$module"-*.jar >/dev/null 2>&1; then
            missing+=("$module")
        fi
    done
    ((${#missing[@]} == 0)) && return 0
    local list
    list=$(IFS=,; echo "${missing[*]}")
    fi_log "building $list (first run only; this takes a few minutes) ..."
    (cd "$FI_ROOT" && fi_mvn install -DskipTests -Dspotless.check.skip=true -pl "$list" -am) \
        || { fi_log "build failed: run 'mvn -B install -DskipTests -pl $list -am' to see why"; return 1; }
    for module in "${missing[@]}"; do
        (cd "$FI_ROOT/$module" && fi_mvn dependency:build-classpath -Dmdep.includeScope=runtime \
            -Dmdep.outputFile=target/classpath.txt) \
            || { fi_log "could not resolve the classpath of $module"; return 1; }
    done
}

# fi_classpath MODULE...: the modules' jars and their runtime dependencies, ':'-separated.
fi_classpath() {
    local cp=""
    for module in "$@"; do
        local jar
        jar=$(ls "$FI_ROOT/$module"/target/"$module"-*.jar | grep -v -e '-tests.jar' -e '-sources.jar' | head -n 1)
        cp="$cp${cp:+:}$jar:$(cat "$FI_ROOT/$module/target/classpath.txt")"
    done
    printf '%s' "$cp"
}

# The JVM flags Flink's own scripts pass on JDK 17 (MiniCluster and Kryo need these opens).
FI_JAVA_OPENS=(
    --add-opens=java.base/java.util=ALL-UNNAMED
    --add-opens=java.base/java.lang=ALL-UNNAMED
    --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
    --add-opens=java.base/java.net=ALL-UNNAMED
    --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/java.nio=ALL-UNNAMED
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
    --add-opens=java.base/java.time=ALL-UNNAMED
)
