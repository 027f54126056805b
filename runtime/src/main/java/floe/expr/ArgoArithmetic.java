package floe.expr;

import org.apache.commons.jexl3.JexlArithmetic;

/**
 * Argo's arithmetic: {@code /} always divides as floating point ({@code 65/2} is 32.5, as in Argo);
 * {@code text matches 'regex'} (JEXL's {@code =~}) holds when the pattern is found anywhere in the
 * text, as Go's regexp does.
 */
public final class ArgoArithmetic extends JexlArithmetic {
    public ArgoArithmetic() {
        super(true);
    }

    @Override
    public Object divide(Object left, Object right) {
        if (left == null || right == null) {
            return super.divide(left, right);
        }
        double divisor = toDouble(right);
        if (divisor == 0) {
            throw new ArithmeticException("division by zero");
        }
        return toDouble(left) / divisor;
    }

    @Override
    public Boolean contains(Object container, Object value) {
        if (container instanceof CharSequence regex && value instanceof CharSequence text) {
            return java.util.regex.Pattern.compile(regex.toString()).matcher(text).find();
        }
        return super.contains(container, value);
    }
}
