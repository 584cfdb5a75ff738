package dispool.cli;

import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * A qube name as Qubes allows it (qubes.vm.validate_name: a letter, then letters, digits, '_',
 * '.', '-', at most 31 characters), checked before it goes into a URL path.
 */
final class QubeName implements ITypeConverter<String> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,30}");

    @Override
    public String convert(String value) {
        if (!NAME.matcher(value).matches()) {
            throw new TypeConversionException("'" + value + "' is not a qube name (a letter, then letters, digits, _ . -;"
                    + " at most 31 characters)");
        }
        return value;
    }

    /** The same check for a name taken from a word list: a usage error (exit 2) when it fails. */
    String convertOrUsage(CommandSpec spec, String value) {
        try {
            return convert(value);
        } catch (TypeConversionException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
